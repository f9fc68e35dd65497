#include <gtest/gtest.h>

#include "core/fs.h"
#include "data/formats/jsonl.h"
#include "test_util.h"

using namespace autodet;
using namespace autodet::testing;

namespace {

// A folder with images/a.jpg (200x100) and images/b.png (50x40).
struct Fixture {
  TempDir dir;
  Fixture() {
    make_image(dir / "images/a.jpg", 200, 100);
    make_image(dir / "images/b.png", 50, 40);
  }
  Dataset read(const std::string& text, Diagnostics& diag, ReadOptions opts = {}) {
    write_text(dir / "data.jsonl", text);
    return read_jsonl(dir / "data.jsonl", opts, diag);
  }
};

bool has(const Diagnostics& d, const std::string& code, long line, const std::string& field = "") {
  for (const auto& x : d.items())
    if (x.code == code && x.where.line == line && (field.empty() || x.where.field == field)) return true;
  return false;
}

}  // namespace

TEST(Jsonl, ReadsAzureLineWithPixelBoxesFromTheDecodedImage) {
  Fixture f;
  Diagnostics d;
  Dataset ds = f.read(
      R"({"image_url": "images/a.jpg", "image_details": {"format": "jpg", "width": "200px", "height": 100}, "label": [{"label": "cat", "topX": 0.1, "topY": 0.2, "bottomX": 0.5, "bottomY": 1.0, "isCrowd": 0}]})"
      "\n",
      d);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d.warnings(), 0u);
  ASSERT_EQ(ds.images.size(), 1u);
  const auto& im = ds.images[0];
  EXPECT_EQ(im.width, 200);
  EXPECT_EQ(im.height, 100);
  EXPECT_EQ(im.format, "jpg");
  ASSERT_EQ(im.boxes.size(), 1u);
  EXPECT_DOUBLE_EQ(im.boxes[0].x0, 20.0);
  EXPECT_DOUBLE_EQ(im.boxes[0].y0, 20.0);
  EXPECT_DOUBLE_EQ(im.boxes[0].x1, 100.0);
  EXPECT_DOUBLE_EQ(im.boxes[0].y1, 100.0);
  EXPECT_EQ(im.boxes[0].label, "cat");
  EXPECT_FALSE(im.boxes[0].crowd);
}

TEST(Jsonl, NumericStringsAndCrowdRules) {
  Fixture f;
  Diagnostics d;
  Dataset ds = f.read(
      R"({"image_url": "images/b.png", "label": [)"
      R"({"label": "a", "topX": "0.1", "topY": "0.1", "bottomX": "0.5", "bottomY": "0.5", "isCrowd": 1},)"
      R"({"label": "a", "topX": 0.1, "topY": 0.1, "bottomX": 0.5, "bottomY": 0.5, "isCrowd": "true"},)"
      R"({"label": "a", "topX": 0.1, "topY": 0.1, "bottomX": 0.5, "bottomY": 0.5, "isCrowd": "True"},)"
      R"({"label": "a", "topX": 0.1, "topY": 0.1, "bottomX": 0.5, "bottomY": 0.5, "isCrowd": "1"},)"
      R"({"label": "a", "topX": 0.1, "topY": 0.1, "bottomX": 0.5, "bottomY": 0.5, "isCrowd": "0"},)"
      R"({"label": "a", "topX": 0.1, "topY": 0.1, "bottomX": 0.5, "bottomY": 0.5, "isCrowd": false},)"
      R"({"label": "a", "topX": 0.1, "topY": 0.1, "bottomX": 0.5, "bottomY": 0.5}]})"
      "\n",
      d);
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(ds.images[0].boxes.size(), 7u);
  const bool want[7] = {true, true, true, true, false, false, false};
  for (int i = 0; i < 7; ++i) EXPECT_EQ(ds.images[0].boxes[i].crowd, want[i]) << i;
  EXPECT_DOUBLE_EQ(ds.images[0].boxes[0].x1, 25.0);
}

TEST(Jsonl, InvalidBoxesDroppedWithPreciseWarnings) {
  Fixture f;
  Diagnostics d;
  Dataset ds = f.read(
      "\n"
      R"({"image_url": "images/a.jpg", "label": [)"
      R"({"label": "ok", "topX": 0, "topY": 0, "bottomX": 1, "bottomY": 1},)"
      R"({"label": "out", "topX": -0.1, "topY": 0, "bottomX": 0.5, "bottomY": 0.5},)"
      R"({"label": "out", "topX": 0.1, "topY": 0, "bottomX": 1.2, "bottomY": 0.5},)"
      R"({"label": "inv", "topX": 0.6, "topY": 0, "bottomX": 0.5, "bottomY": 0.5},)"
      R"({"label": "empty", "topX": 0.5, "topY": 0.2, "bottomX": 0.5, "bottomY": 0.5}]})"
      "\n",
      d);
  EXPECT_TRUE(d.ok());
  EXPECT_EQ(d.warnings(), 4u);
  EXPECT_TRUE(has(d, "box_out_of_range", 2, "topX"));
  EXPECT_TRUE(has(d, "box_out_of_range", 2, "bottomX"));
  EXPECT_TRUE(has(d, "box_inverted", 2));
  EXPECT_TRUE(has(d, "box_empty", 2));
  for (const auto& x : d.items()) EXPECT_EQ(x.where.file, f.dir / "data.jsonl");
  EXPECT_EQ(d.items()[0].where.element, "label[1]");
  ASSERT_EQ(ds.images[0].boxes.size(), 1u);
  EXPECT_EQ(ds.images[0].boxes[0].label, "ok");
}

TEST(Jsonl, StructuralErrorsNameLineAndField) {
  Fixture f;
  Diagnostics d;
  Dataset ds = f.read(
      R"({"image_url": "images/a.jpg", "label": [{"label": "x", "topX": 0.1, "topY": 0.1, "bottomX": 0.5}]})" "\n"
      R"({"image_url": "images/b.png", "label": [{"label": "x", "topX": "abc", "topY": 0.1, "bottomX": 0.5, "bottomY": 0.6}]})" "\n"
      R"({"image_url": "images/b.png", "label": []})" "\n"
      "{not json\n"
      R"({"label": []})" "\n"
      R"({"image_url": 5, "label": []})" "\n"
      R"({"image_url": "images/a.jpg", "label": {}})" "\n"
      R"({"image_url": "images/zzz.jpg", "label": []})" "\n"
      R"({"image_url": "images/a.jpg", "label": [{"label": 3, "topX": 0.1, "topY": 0.1, "bottomX": 0.5, "bottomY": 0.5, "topx": 1}], "extra": 1})" "\n",
      d);
  EXPECT_TRUE(has(d, "incomplete_record", 1));
  EXPECT_TRUE(has(d, "wrong_type", 2, "topX"));
  EXPECT_TRUE(has(d, "duplicate_image", 3, "image_url"));
  EXPECT_TRUE(has(d, "invalid_line", 4));
  EXPECT_TRUE(has(d, "incomplete_record", 5, "image_url"));
  EXPECT_TRUE(has(d, "wrong_type", 6, "image_url"));
  EXPECT_TRUE(has(d, "wrong_type", 7, "label"));
  EXPECT_TRUE(has(d, "missing_image", 8));
  EXPECT_TRUE(has(d, "unknown_key", 9, "topx"));
  EXPECT_TRUE(has(d, "unknown_key", 9, "extra"));
  EXPECT_TRUE(has(d, "wrong_type", 9, "label"));
  EXPECT_EQ(ds.images.size(), 2u);  // lines 1 and 2 (their bad boxes dropped); line 9 repeats a.jpg
}

TEST(Jsonl, InvalidLinesCanBeDropped) {
  Fixture f;
  Diagnostics d;
  ReadOptions o;
  o.drop_invalid_lines = true;
  Dataset ds = f.read("{oops\n" R"({"image_url": "images/a.jpg", "label": []})" "\n", d, o);
  EXPECT_TRUE(d.ok());
  EXPECT_EQ(d.count("invalid_line"), 1u);
  EXPECT_EQ(ds.images.size(), 1u);
}

TEST(Jsonl, SizeInImageDetailsCheckedAgainstFile) {
  Fixture f;
  Diagnostics d;
  Dataset ds = f.read(
      R"({"image_url": "images/a.jpg", "image_details": {"width": 100, "height": 50}, "label": [{"label": "x", "topX": 0.5, "topY": 0.5, "bottomX": 1, "bottomY": 1}]})" "\n",
      d);
  EXPECT_TRUE(has(d, "size_mismatch", 1, "image_details"));
  EXPECT_EQ(ds.images[0].width, 200);
  EXPECT_DOUBLE_EQ(ds.images[0].boxes[0].x0, 100.0);
}

TEST(Jsonl, RemoteUrlsNeedImageRoot) {
  Fixture f;
  const std::string line =
      R"({"image_url": "azureml://subscriptions/s/resourcegroups/r/workspaces/w/datastores/d/paths/proj/images/a.jpg", "label": []})" "\n";
  Diagnostics d;
  f.read(line, d);
  ASSERT_EQ(d.count("remote_url"), 1u);
  EXPECT_NE(d.items()[0].message.find("--image-root"), std::string::npos);
  EXPECT_EQ(d.items()[0].where.line, 1);

  Diagnostics d2;
  ReadOptions o;
  o.image_roots.emplace_back("", f.dir.path());
  Dataset ds = f.read(line, d2, o);
  ASSERT_TRUE(d2.ok()) << d2.items()[0].str();
  ASSERT_EQ(ds.images.size(), 1u);
  EXPECT_EQ(ds.images[0].path, f.dir / "images/a.jpg");

  Diagnostics d3;
  ReadOptions o3;
  o3.image_roots.emplace_back("https://example.com/data/", f.dir / "images");
  Dataset ds3 = f.read(R"({"image_url": "https://example.com/data/b.png", "label": []})" "\n", d3, o3);
  ASSERT_TRUE(d3.ok());
  EXPECT_EQ(ds3.images[0].width, 50);
}

TEST(Jsonl, AbsoluteFileUrlsAndEscapes) {
  Fixture f;
  Diagnostics d;
  std::string abs = f.dir / "images/a.jpg";
  Dataset ds = f.read(R"({"image_url": "file://)" + abs + R"(", "label": []})" "\n" R"({"image_url": ")" +
                          (f.dir / "images/b.png") + R"(", "label": []})" "\n" R"({"image_url": "../x/../../etc/passwd", "label": []})" "\n",
                      d);
  EXPECT_EQ(ds.images.size(), 2u);
  EXPECT_TRUE(has(d, "path_escapes_root", 3, "image_url"));
}

TEST(Jsonl, CorruptImageIsAnError) {
  Fixture f;
  write_text(f.dir / "images/bad.jpg", "definitely not a jpeg");
  Diagnostics d;
  Dataset ds = f.read(R"({"image_url": "images/bad.jpg", "label": []})" "\n", d);
  EXPECT_TRUE(has(d, "corrupt_image", 1));
  EXPECT_TRUE(ds.images.empty());
}

TEST(Jsonl, WriterRoundTrip) {
  Fixture f;
  Diagnostics d;
  Dataset ds = f.read(
      R"({"image_url": "images/a.jpg", "label": [{"label": "x", "topX": 0.123, "topY": 0.2, "bottomX": 0.7, "bottomY": 0.9, "isCrowd": 1}]})" "\n"
      R"({"image_url": "images/b.png", "label": []})" "\n",
      d);
  std::string text = to_jsonl(ds);
  Diagnostics d2;
  Dataset back = read_jsonl_text(text, "mem", f.dir.path(), ReadOptions{}, d2);
  ASSERT_TRUE(d2.ok());
  ASSERT_EQ(back.images.size(), 2u);
  EXPECT_NEAR(back.images[0].boxes[0].x0, ds.images[0].boxes[0].x0, 1e-9);
  EXPECT_TRUE(back.images[0].boxes[0].crowd);
  EXPECT_EQ(to_jsonl(back), text);
}
