#include <gtest/gtest.h>

#include "core/error.h"
#include "data/formats/coco.h"
#include "data/formats/csv.h"
#include "data/formats/yolo.h"
#include "data/load.h"
#include "test_util.h"

using namespace autodet;
using namespace autodet::testing;

TEST(Coco, ReadsPixelAndNormalizedBoxesAndReportsBadReferences) {
  TempDir t;
  make_image(t / "img/a.jpg", 100, 50);
  make_image(t / "img/b.jpg", 100, 50);
  write_text(t / "ann.json", R"({
 "images": [{"id": 7, "file_name": "img/a.jpg", "width": 100, "height": 50},
            {"id": 8, "file_name": "somewhere/else/img/b.jpg", "width": 100, "height": 50}],
 "categories": [{"id": 1, "name": "cat"}, {"id": 2, "name": "dog"}, {"id": 3, "name": "unused"}],
 "annotations": [
   {"id": 1, "image_id": 7, "category_id": 1, "bbox": [10, 5, 20, 10], "iscrowd": 0},
   {"id": 2, "image_id": 7, "category_id": 2, "bbox": [0.1, 0.2, 0.5, 0.4], "iscrowd": 1},
   {"id": 3, "image_id": 99, "category_id": 1, "bbox": [1, 1, 5, 5]},
   {"id": 4, "image_id": 7, "category_id": 9, "bbox": [1, 1, 5, 5]},
   {"id": 5, "image_id": 7, "category_id": 1, "bbox": [90, 40, 20, 20]},
   {"id": 6, "image_id": 8, "category_id": 1, "bbox": "oops"}
 ]})");
  Diagnostics d;
  ReadOptions o;
  o.images_dir = "";
  Dataset ds = read_coco(t / "ann.json", o, d);
  EXPECT_EQ(d.count("unknown_image"), 1u);
  EXPECT_EQ(d.count("unknown_category"), 1u);
  EXPECT_EQ(d.count("box_past_border"), 1u);
  for (const auto& x : d.items()) EXPECT_FALSE(x.where.element.empty());
  ASSERT_EQ(ds.images.size(), 1u);  // b.jpg is not where file_name says
  EXPECT_EQ(d.count("missing_image"), 1u);
  const auto& a = ds.images[0].boxes;
  ASSERT_EQ(a.size(), 3u);
  EXPECT_DOUBLE_EQ(a[0].x1, 30.0);
  EXPECT_DOUBLE_EQ(a[1].x0, 10.0);  // normalized: max(bbox) < 1.5
  EXPECT_DOUBLE_EQ(a[1].y1, 30.0);
  EXPECT_TRUE(a[1].crowd);
  EXPECT_DOUBLE_EQ(a[2].x1, 100.0);  // clamped
  EXPECT_EQ(ds.classes(), (std::vector<std::string>{"cat", "dog", "unused"}));
}

TEST(Coco, MalformedFileNamesLine) {
  TempDir t;
  write_text(t / "a.json", "{\n \"images\": [\n  {\"id\": 1,,}\n ]\n}");
  try {
    Diagnostics d;
    read_coco(t / "a.json", {}, d);
    FAIL();
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("a.json:3"), std::string::npos) << e.what();
  }
}

// Found by fuzz_coco: a number too large for a double escaped as nlohmann::out_of_range.
TEST(Coco, HugeNumbersAreDataErrorsNotCrashes) {
  Diagnostics d;
  EXPECT_THROW(read_coco_text(R"({"images": [{"id": 2)" + std::string(400, '2') + "}]}", "x.json", "/nonexistent", {}, d),
               DataError);
  Dataset ds = read_coco_text(
      R"({"images": [{"id": 1e300, "file_name": "a.jpg", "width": 10, "height": 10}], "categories": []})", "x.json",
      "/nonexistent", {}, d);
  EXPECT_TRUE(ds.images.empty());
  EXPECT_EQ(d.count("wrong_type"), 1u);
}

TEST(Csv, HeaderByNameQuotingAndSplitNames) {
  TempDir t;
  make_image(t / "images/a b.jpg", 60, 40);
  write_text(t / "train_labels.csv",
             "class,filename,width,height,xmin,ymin,xmax,ymax\n"
             "cat,\"a b.jpg\",60,40,1,2,30,20\n"
             "\"dog, big\",\"a b.jpg\",60,40,10,10,70,20\n"
             "cat,\"a b.jpg\",60,40,x,2,30,20\n"
             "cat,missing.jpg,60,40,1,2,3,4\n");
  Diagnostics d;
  Dataset ds = read_csv(t / "train_labels.csv", {}, d);
  ASSERT_EQ(ds.images.size(), 1u);
  ASSERT_EQ(ds.images[0].boxes.size(), 2u);
  EXPECT_EQ(ds.images[0].boxes[1].label, "dog, big");
  EXPECT_DOUBLE_EQ(ds.images[0].boxes[1].x1, 60.0);
  EXPECT_EQ(d.count("box_past_border"), 1u);
  EXPECT_EQ(d.count("wrong_type"), 1u);
  EXPECT_EQ(d.count("missing_image"), 1u);
  for (const auto& x : d.items()) EXPECT_GT(x.where.line, 1);
  EXPECT_EQ(split_from_file_name("x/train_labels.csv"), "train");
  EXPECT_EQ(split_from_file_name("test_labels.csv"), "test");
  EXPECT_EQ(split_from_file_name("val.csv"), "validation");
  EXPECT_EQ(split_from_file_name("labels.csv"), "");
  write_text(t / "bad.csv", "file,cls\n");
  EXPECT_THROW(read_csv(t / "bad.csv", {}, d), DataError);
}

TEST(Yolo, DataYamlSplitsNamesAndPolygons) {
  TempDir t;
  make_image(t / "images/train/a.jpg", 100, 50);
  make_image(t / "images/val/b.png", 80, 80);
  write_text(t / "labels/train/a.txt", "0 0.5 0.5 0.2 0.4\n1 0.1 0.1 0.3 0.1 0.3 0.3\n5 0.5 0.5 0.1 0.1\n0 0.5 x 0.1 0.1\n0 0.99 0.5 0.1 0.2\n");
  write_text(t / "data.yaml", "path: .\ntrain: images/train\nval: images/val\nnames:\n  0: person\n  1: car\n");
  Diagnostics d;
  SplitDataset sd = load_dataset(t.path(), DataFormat::Auto, {}, d);
  ASSERT_EQ(sd.splits.size(), 2u);
  const auto& a = sd.splits["train"].images.at(0);
  ASSERT_EQ(a.boxes.size(), 3u);
  EXPECT_EQ(a.boxes[0].label, "person");
  EXPECT_DOUBLE_EQ(a.boxes[0].x0, 40.0);
  EXPECT_DOUBLE_EQ(a.boxes[0].y1, 35.0);
  EXPECT_EQ(a.boxes[1].label, "car");  // polygon reduced to its box
  EXPECT_DOUBLE_EQ(a.boxes[1].x1, 30.0);
  EXPECT_DOUBLE_EQ(a.boxes[2].x1, 100.0);  // clamped at the border
  EXPECT_EQ(d.count("unknown_class"), 1u);
  EXPECT_EQ(d.count("wrong_type"), 1u);
  EXPECT_EQ(d.count("box_past_border"), 1u);
  EXPECT_TRUE(sd.splits["validation"].images.at(0).boxes.empty());
  EXPECT_EQ(sd.classes(), (std::vector<std::string>{"car", "person"}));

  write_text(t / "data.yaml", "train: images/train\nnames: [person, car]\n");
  Diagnostics d2;
  EXPECT_EQ(load_dataset(t / "data.yaml", DataFormat::Yolo, {}, d2).splits.size(), 1u);
  write_text(t / "data.yaml", "train: nowhere\nnames: [a]\n");
  EXPECT_THROW(load_dataset(t.path(), DataFormat::Yolo, {}, d2), DataError);
}
