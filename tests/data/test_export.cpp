// `data export`: every writer read back by its reader keeps images, sizes, classes, boxes and
// crowd flags, for every pair of formats (read X, write Y, read Y), on a synthetic dataset and on
// BCCD (VOC) and raccoon (CSV) from ../shared/datasets.
#include <algorithm>
#include <filesystem>
#include <map>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/fs.h"
#include "data/export.h"
#include "data/load.h"
#include "data/synth.h"
#include "test_util.h"

using namespace autodet;
using namespace autodet::testing;

namespace {

const std::vector<DataFormat> kFormats = {DataFormat::Coco, DataFormat::Voc, DataFormat::Yolo, DataFormat::Csv,
                                          DataFormat::Jsonl};

// Where export_dataset writes format f under dir.
std::string target(const std::string& dir, DataFormat f) {
  const std::string n = format_name(f);
  if (f == DataFormat::Coco) return dir + "/" + n + "/labels.json";
  if (f == DataFormat::Csv) return dir + "/" + n + "/labels.csv";
  if (f == DataFormat::Jsonl) return dir + "/" + n + "/labels.jsonl";
  return dir + "/" + n;
}

bool holds_crowd(DataFormat f) { return f != DataFormat::Yolo; }
bool holds_class_list(DataFormat f) { return f == DataFormat::Coco || f == DataFormat::Yolo; }

std::string real_path(const std::string& p) { return std::filesystem::weakly_canonical(absolute_path(p)).string(); }

SplitDataset read_back(const std::string& path) {
  Diagnostics diag;
  SplitDataset sd = load_dataset(path, DataFormat::Auto, ReadOptions{}, diag);
  EXPECT_TRUE(diag.ok() && diag.warnings() == 0) << path << ": " << diag.to_json().dump(1);
  return sd;
}

// What `to` keeps of `from`: crowd boxes without a crowd flag are left out; without a class list
// only the classes of boxes remain.
Dataset expected_after(const Dataset& from, DataFormat to) {
  Dataset e = from;
  if (!holds_crowd(to))
    for (auto& im : e.images) im.boxes.erase(std::remove_if(im.boxes.begin(), im.boxes.end(), [](const Box& b) { return b.crowd; }), im.boxes.end());
  if (!holds_class_list(to)) e.declared_classes.clear();
  else e.declared_classes = from.classes();
  return e;
}

void expect_same(const Dataset& want, const Dataset& got, const std::string& what) {
  EXPECT_EQ(want.classes(), got.classes()) << what;
  ASSERT_EQ(want.images.size(), got.images.size()) << what;
  std::map<std::string, const ImageRecord*> by_path;
  for (const auto& im : got.images) by_path[real_path(im.path)] = &im;
  for (const auto& im : want.images) {
    auto it = by_path.find(real_path(im.path));
    ASSERT_NE(it, by_path.end()) << what << ": " << im.path;
    const ImageRecord& o = *it->second;
    EXPECT_EQ(im.width, o.width) << what << ": " << im.path;
    EXPECT_EQ(im.height, o.height) << what << ": " << im.path;
    ASSERT_EQ(im.boxes.size(), o.boxes.size()) << what << ": " << im.path;
    for (std::size_t k = 0; k < im.boxes.size(); ++k) {
      const Box &a = im.boxes[k], &b = o.boxes[k];
      EXPECT_EQ(a.label, b.label) << what << ": " << im.path;
      EXPECT_EQ(a.crowd, b.crowd) << what << ": " << im.path << " box " << k;
      EXPECT_NEAR(a.x0, b.x0, 1e-6) << what;
      EXPECT_NEAR(a.y0, b.y0, 1e-6) << what;
      EXPECT_NEAR(a.x1, b.x1, 1e-6) << what;
      EXPECT_NEAR(a.y1, b.y1, 1e-6) << what;
    }
  }
}

// Splits survive where the format holds them (VOC ImageSets, YOLO train/val/test).
void expect_same_splits(const SplitDataset& want, const SplitDataset& got, DataFormat to, const std::string& what) {
  if (to != DataFormat::Voc && to != DataFormat::Yolo) return;
  EXPECT_EQ(want.names(), got.names()) << what;
  for (const auto& n : want.names())
    if (got.splits.count(n)) EXPECT_EQ(want.splits.at(n).images.size(), got.splits.at(n).images.size()) << what << " " << n;
}

// source -> X for every X; then X -> Y for every pair, each read back and compared.
void round_trip_all(const SplitDataset& source, const std::string& dir) {
  std::map<DataFormat, SplitDataset> first;
  for (DataFormat x : kFormats) {
    ExportOptions o;
    o.format = x;
    export_dataset(source, target(dir + "/from-source", x), o);
    first[x] = read_back(target(dir + "/from-source", x));
    expect_same(expected_after(source.merged(), x), first[x].merged(), "source -> " + format_name(x));
  }
  for (DataFormat x : kFormats)
    for (DataFormat y : kFormats) {
      const std::string what = format_name(x) + " -> " + format_name(y);
      ExportOptions o;
      o.format = y;
      const std::string out = target(dir + "/from-" + format_name(x), y);
      export_dataset(first[x], out, o);
      const SplitDataset back = read_back(out);
      expect_same(expected_after(first[x].merged(), y), back.merged(), what);
      if (x == DataFormat::Voc || x == DataFormat::Yolo) expect_same_splits(first[x], back, y, what);
    }
}

// A small dataset with what the formats must keep: fractional boxes, crowd boxes, an image
// without boxes, a class without boxes, two images of the same file name, a comma in a name,
// and train/validation splits.
SplitDataset synthetic_source(const std::string& dir) {
  SynthOptions o;
  o.images = 8;
  o.classes = 3;
  o.width = 64;
  o.height = 48;
  o.max_objects = 3;
  Dataset ds = generate_synthetic(o, dir + "/synth");
  for (std::size_t i = 0; i < ds.images.size(); ++i)
    for (std::size_t k = 0; k < ds.images[i].boxes.size(); ++k) {
      Box& b = ds.images[i].boxes[k];
      b.x0 += 0.37;
      b.y1 -= 0.123456789;
      b.crowd = (i + k) % 3 == 0;
    }
  make_dirs(dir + "/synth/other");
  ImageRecord empty = ds.images[0];
  empty.boxes.clear();
  empty.path = dir + "/synth/other/" + file_name(ds.images[0].path);  // the same name in another folder
  std::filesystem::copy_file(ds.images[0].path, empty.path);
  ImageRecord comma = ds.images[1];
  comma.path = dir + "/synth/other/a, \"b\".jpg";
  std::filesystem::copy_file(ds.images[1].path, comma.path);
  ds.images.push_back(empty);
  ds.images.push_back(comma);
  ds.declared_classes = {"zebra"};
  SplitDataset sd;
  for (std::size_t i = 0; i < ds.images.size(); ++i) sd.splits[i % 3 == 2 ? "validation" : "train"].images.push_back(ds.images[i]);
  for (auto& [n, d] : sd.splits) d.declared_classes = ds.declared_classes;
  return sd;
}

TEST(DataExport, SyntheticRoundTripsThroughEveryPairOfFormats) {
  TempDir t;
  round_trip_all(synthetic_source(t.path()), t / "out");
}

TEST(DataExport, CopyAndSymlinkPutImagesInTheFormatsLayout) {
  TempDir t;
  const SplitDataset sd = synthetic_source(t.path());
  ExportOptions o;
  o.format = DataFormat::Voc;
  o.images = ImageFiles::Copy;
  const ExportResult r = export_dataset(sd, t / "voc", o);
  EXPECT_EQ(r.image_folder, t / "voc/JPEGImages");
  EXPECT_TRUE(fs_exists(t / "voc/JPEGImages/000001.jpg"));
  EXPECT_TRUE(fs_exists(t / "voc/JPEGImages/000001_2.jpg"));  // the second image of that name
  EXPECT_FALSE(std::filesystem::is_symlink(t / "voc/JPEGImages/000001.jpg"));
  EXPECT_TRUE(fs_exists(t / "voc/ImageSets/Main/val.txt"));
  SplitDataset back = read_back(t / "voc");
  EXPECT_EQ(back.image_count(), sd.image_count());
  for (const auto& im : back.merged().images) EXPECT_EQ(parent_dir(im.path), t / "voc/JPEGImages");

  o.format = DataFormat::Yolo;
  o.images = ImageFiles::Default;
  const ExportResult y = export_dataset(sd, t / "yolo", o);
  EXPECT_GT(y.crowd_dropped, 0u);
  EXPECT_TRUE(std::filesystem::is_symlink(t / "yolo/images/train/000001.jpg"));
  EXPECT_TRUE(fs_exists(t / "yolo/labels/val/000003.txt"));
  o.images = ImageFiles::Reference;
  EXPECT_THROW(export_dataset(sd, t / "yolo2", o), UsageError);

  // A one-file format with copies: images/ beside the file, referenced relatively.
  o.format = DataFormat::Coco;
  o.images = ImageFiles::Symlink;
  export_dataset(sd, t / "coco/labels.json", o);
  EXPECT_NE(read_text(t / "coco/labels.json").find("\"file_name\": \"images/000001.jpg\""), std::string::npos);
}

TEST(DataExport, ImagesWithoutSizeOrFileAreNamed) {
  SplitDataset sd;
  ImageRecord im;
  im.url = "azureml://x/paths/a.jpg";
  im.source = SourceRef{"train.jsonl", 3, ""};
  sd.splits["train"].images.push_back(im);
  TempDir t;
  ExportOptions o;
  try {
    export_dataset(sd, t / "x.json", o);
    FAIL();
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("train.jsonl:3"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("azureml://x/paths/a.jpg"), std::string::npos) << e.what();
  }
  o.split = "test";
  EXPECT_THROW(export_dataset(sd, t / "x.json", o), UsageError);
}

// A shared dataset read as `format`, then round-tripped through every pair of formats.
void round_trip_shared(const std::string& path, DataFormat format) {
  Diagnostics diag;
  const SplitDataset source = load_dataset(path, format, ReadOptions{}, diag);
  ASSERT_GT(source.image_count(), 100u);
  TempDir t;
  round_trip_all(source, t.path());
}

TEST(DataExport, BccdRoundTripsThroughEveryPairOfFormats) {
  AUTODET_REQUIRE_SHARED_DATA(dir);
  round_trip_shared(dir + "/bccd/BCCD", DataFormat::Voc);
}

TEST(DataExport, RaccoonRoundTripsThroughEveryPairOfFormats) {
  AUTODET_REQUIRE_SHARED_DATA(dir);
  round_trip_shared(dir + "/raccoon/train_labels.csv", DataFormat::Csv);
}

TEST(DataExport, CommandLine) {
  TempDir t;
  const SplitDataset sd = synthetic_source(t.path());
  ExportOptions o;
  o.format = DataFormat::Voc;
  export_dataset(sd, t / "src", o);
  std::string out;
  ASSERT_EQ(run_autodet("data export " + (t / "src") + " --format yolo --out " + (t / "y"), &out), 0) << out;
  EXPECT_NE(out.find("crowd boxes left out"), std::string::npos) << out;
  EXPECT_NE(out.find("-> " + (t / "y") + " (yolo); images in " + (t / "y/images")), std::string::npos) << out;
  ASSERT_EQ(run_autodet("data export " + (t / "y") + " --from yolo --format csv --out " + (t / "c.csv"), &out), 0) << out;
  EXPECT_NE(out.find("the splits are merged"), std::string::npos) << out;
  ASSERT_EQ(run_autodet("data validate " + (t / "c.csv"), &out), 0) << out;
  EXPECT_NE(run_autodet("data export " + (t / "y") + " --format yolo --image-files reference --out " + (t / "z"), &out), 0);
  EXPECT_NE(out.find("--image-files symlink"), std::string::npos) << out;
}

}  // namespace
