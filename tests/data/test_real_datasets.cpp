// Real data from ../shared/datasets (skipped with a reason when absent).
#include <algorithm>
#include <map>

#include <gtest/gtest.h>

#include "core/fs.h"
#include "data/formats/coco.h"
#include "data/formats/jsonl.h"
#include "data/formats/mltable.h"
#include "data/load.h"
#include "test_util.h"

using namespace autodet;
using namespace autodet::testing;

namespace {

// Images keyed by absolute path; boxes compared in order with a pixel tolerance.
void expect_same_dataset(const Dataset& a, const Dataset& b, double tol = 1e-6) {
  ASSERT_EQ(a.images.size(), b.images.size());
  std::map<std::string, const ImageRecord*> mb;
  for (const auto& im : b.images) mb[absolute_path(im.path)] = &im;
  for (const auto& im : a.images) {
    auto it = mb.find(absolute_path(im.path));
    ASSERT_NE(it, mb.end()) << im.path;
    const ImageRecord& o = *it->second;
    EXPECT_EQ(im.width, o.width) << im.path;
    EXPECT_EQ(im.height, o.height) << im.path;
    ASSERT_EQ(im.boxes.size(), o.boxes.size()) << im.path;
    for (std::size_t k = 0; k < im.boxes.size(); ++k) {
      EXPECT_EQ(im.boxes[k].label, o.boxes[k].label);
      EXPECT_EQ(im.boxes[k].crowd, o.boxes[k].crowd);
      EXPECT_NEAR(im.boxes[k].x0, o.boxes[k].x0, tol);
      EXPECT_NEAR(im.boxes[k].y0, o.boxes[k].y0, tol);
      EXPECT_NEAR(im.boxes[k].x1, o.boxes[k].x1, tol);
      EXPECT_NEAR(im.boxes[k].y1, o.boxes[k].y1, tol);
    }
  }
}

}  // namespace

TEST(RealBccd, ImportsWithImageSetsSplitAndReportsDefectsPrecisely) {
  AUTODET_REQUIRE_SHARED_DATA(dir);
  Diagnostics d;
  SplitDataset sd = load_dataset(dir + "/bccd/BCCD", DataFormat::Voc, {}, d);
  EXPECT_EQ(sd.image_count(), 364u);
  EXPECT_EQ(sd.splits["train"].images.size(), 205u);
  EXPECT_EQ(sd.splits["validation"].images.size(), 87u);
  EXPECT_EQ(sd.splits["test"].images.size(), 72u);
  EXPECT_EQ(sd.classes(), (std::vector<std::string>{"Platelets", "RBC", "WBC"}));
  EXPECT_TRUE(d.ok());
  // The source has 4,888 boxes; two are zero-sized points and are dropped with a warning each.
  EXPECT_EQ(sd.box_count(), 4886u);
  ASSERT_EQ(d.warnings(), 2u);
  const auto& w0 = d.items()[0];
  EXPECT_EQ(file_name(w0.where.file), "BloodImage_00338.xml");
  EXPECT_EQ(w0.where.element, "object 13 (RBC)");
  EXPECT_EQ(w0.where.line, 163);
  EXPECT_EQ(w0.code, "box_empty");
  EXPECT_EQ(file_name(d.items()[1].where.file), "BloodImage_00343.xml");
  EXPECT_EQ(d.items()[1].where.element, "object 4 (RBC)");
}

TEST(RealBccd, RoundTripVocJsonlCocoJsonl) {
  AUTODET_REQUIRE_SHARED_DATA(dir);
  TempDir t;
  Diagnostics d;
  Dataset voc = load_dataset(dir + "/bccd/BCCD", DataFormat::Voc, {}, d).merged();
  write_mltable_folder(voc, t / "jsonl1", "a.jsonl");
  Diagnostics d1;
  Dataset j1 = read_mltable(t / "jsonl1", {}, d1);
  ASSERT_TRUE(d1.ok());
  EXPECT_EQ(d1.warnings(), 0u);
  write_coco(j1, t / "coco/ann.json");
  Diagnostics d2;
  Dataset coco = read_coco(t / "coco/ann.json", {}, d2);
  ASSERT_TRUE(d2.ok());
  EXPECT_EQ(d2.warnings(), 0u);
  write_mltable_folder(coco, t / "jsonl2", "a.jsonl");
  Diagnostics d3;
  Dataset j2 = read_mltable(t / "jsonl2", {}, d3);
  ASSERT_TRUE(d3.ok());
  expect_same_dataset(voc, j1);
  expect_same_dataset(voc, coco);
  expect_same_dataset(voc, j2);
  EXPECT_EQ(j2.classes(), voc.classes());
  // The two JSONL files are the same text.
  EXPECT_EQ(read_text(t / "jsonl1/a.jsonl"), read_text(t / "jsonl2/a.jsonl"));
}

TEST(RealRaccoon, VocAndCsvGiveIdenticalBoxes) {
  AUTODET_REQUIRE_SHARED_DATA(dir);
  Diagnostics dv, dc1, dc2;
  Dataset voc = load_dataset(dir + "/raccoon", DataFormat::Voc, {}, dv).merged();
  ASSERT_TRUE(dv.ok());
  EXPECT_EQ(voc.images.size(), 200u);
  EXPECT_EQ(voc.box_count(), 217u);
  Dataset train = load_dataset(dir + "/raccoon/train_labels.csv", DataFormat::Csv, {}, dc1).merged();
  Dataset test = load_dataset(dir + "/raccoon/test_labels.csv", DataFormat::Csv, {}, dc2).merged();
  ASSERT_TRUE(dc1.ok());
  ASSERT_TRUE(dc2.ok());
  EXPECT_EQ(train.images.size(), 160u);
  EXPECT_EQ(test.images.size(), 40u);
  Dataset csv = train;
  csv.images.insert(csv.images.end(), test.images.begin(), test.images.end());
  // CSV rows and VOC objects may list an image's boxes in different orders: sort both.
  auto sorted = [](Dataset ds) {
    for (auto& im : ds.images)
      std::sort(im.boxes.begin(), im.boxes.end(), [](const Box& a, const Box& b) {
        return std::tie(a.x0, a.y0, a.x1, a.y1) < std::tie(b.x0, b.y0, b.x1, b.y1);
      });
    return ds;
  };
  expect_same_dataset(sorted(voc), sorted(csv), 0.0);
}
