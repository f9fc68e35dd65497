// The parts of prediction and serving that need no model: inference settings and their aliases,
// tile geometry and merging (spec §8.2), base64 and scoring-request parsing (§7.1).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include "core/error.h"
#include "core/base64.h"
#include "package/inference_settings.h"
#include "deploy/score_request.h"
#include "package/tiling.h"

using namespace autodet;
using nlohmann::json;

namespace {

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

int status_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const RequestError& e) {
    return e.status();
  }
  return 0;
}

std::string png_bytes(int w, int h) {
  std::vector<unsigned char> buf;
  cv::imencode(".png", cv::Mat(h, w, CV_8UC3, cv::Scalar(10, 200, 30)), buf);
  return std::string(buf.begin(), buf.end());
}

}  // namespace

TEST(InferenceSettings, AliasesAndOverrides) {
  InferenceSettings base;
  base.model_size = "nano";
  const SettingsLimits limits;
  auto s = apply_settings(base, json{{"box_iou_thresh", 0.3}, {"image_size", 320}, {"box_score_threshold", "0.25"},
                                     {"tile_predictions_nms_threshold", 0.4}, {"box_detections_per_image", 7}},
                          limits, true);
  EXPECT_EQ(s.nms_iou_thresh, 0.3);
  EXPECT_EQ(s.img_size, 320);
  EXPECT_EQ(s.box_score_thresh, 0.25);
  EXPECT_EQ(s.tile_predictions_nms_thresh, 0.4);
  EXPECT_EQ(s.box_detections_per_img, 7);
  EXPECT_EQ(apply_settings(base, json{{"box_nms_thresh", 0.45}}, limits, true).nms_iou_thresh, 0.45);

  auto t = apply_settings(base, parse_key_values({"tile_grid_size=3x2", "tile_overlap_ratio=0.1"}), limits, true);
  ASSERT_TRUE(t.tile_grid);
  EXPECT_EQ(t.tile_grid->str(), "3x2");
  EXPECT_EQ(t.tile_overlap_ratio, 0.1);
  EXPECT_TRUE(apply_settings(base, json{{"tile_grid_size", "(2, 2)"}}, limits, true).tile_grid);
  EXPECT_EQ(apply_settings(base, json{{"tile_grid_size", json::array({3, 1})}}, limits, true).tile_grid->str(), "3x1");
  EXPECT_FALSE(apply_settings(t, json{{"tile_grid_size", nullptr}}, limits, true).tile_grid);
  EXPECT_FALSE(apply_settings(t, parse_key_values({"tile_grid_size=None"}), limits, true).tile_grid);
  EXPECT_EQ(apply_settings(base, json{{"model_size", "n"}}, limits, true).model_size, "nano");
  // settings.json may hold another family's keys; an override may not.
  EXPECT_EQ(apply_settings(base, json{{"min_size", 600}, {"whatever", 1}}, limits, false), base);
  EXPECT_EQ(s.to_json()["nms_iou_thresh"], 0.3);
  EXPECT_EQ(t.to_json()["tile_grid_size"], "3x2");
}

TEST(InferenceSettings, RefusalsNameTheKey) {
  InferenceSettings base;
  base.model_size = "nano";
  SettingsLimits limits;
  limits.max_img_size = 1024;
  limits.max_tiles = 6;
  struct Case {
    json values;
    std::string expect;
  } cases[] = {
      {{{"box_score_tresh", 0.2}}, "did you mean `box_score_thresh`"},
      {{{"box_score_thresh", 1.5}}, "box_score_thresh"},
      {{{"nms_iou_thresh", "high"}}, "nms_iou_thresh: must be a number"},
      {{{"img_size", 100}}, "multiple of 32"},
      {{{"img_size", 2048}}, "from 32 to 1024"},
      {{{"box_detections_per_img", 0}}, "box_detections_per_img"},
      {{{"tile_grid_size", "1x1"}}, "tile_grid_size"},
      {{{"tile_grid_size", "4x4"}}, "over the limit of 6"},
      {{{"tile_overlap_ratio", 1.0}}, "tile_overlap_ratio"},
      {{{"nms_iou_thresh", 0.4}, {"box_iou_thresh", 0.3}}, "given twice"},
      {{{"model_size", "large"}}, "fixed by the model's weights"},
  };
  for (const auto& c : cases) {
    const std::string e = error_of([&] { apply_settings(base, c.values, limits, true); });
    EXPECT_NE(e.find(c.expect), std::string::npos) << c.values.dump() << " -> " << e;
  }
  EXPECT_NE(error_of([] { parse_key_values({"img_size"}); }).find("key=value"), std::string::npos);
}

TEST(Tiling, GeometryMatchesTheSpecVectors) {
  const auto tiles = tile_rects(499, 666, TileGrid{3, 2}, 0.25);
  const std::vector<TileRect> expect{{0, 0, 200, 381},   {0, 285, 200, 666},   {150, 0, 349, 381},
                                     {150, 285, 349, 666}, {299, 0, 499, 381}, {299, 285, 499, 666}};
  EXPECT_EQ(tiles, expect);
  const std::vector<TileRect> two{{0, 0, 285, 666}, {214, 0, 499, 666}};
  EXPECT_EQ(tile_rects(499, 666, TileGrid{2, 1}, 0.25), two);
  // No overlap: the tiles cut the image exactly.
  const std::vector<TileRect> halves{{0, 0, 50, 40}, {50, 0, 100, 40}};
  EXPECT_EQ(tile_rects(100, 40, TileGrid{2, 1}, 0.0), halves);
}

TEST(Tiling, MergeDropsOverlapsFromOtherTilesOfTheSameClass) {
  auto det = [](double x0, double score, int cls) { return Detection{x0, 0, x0 + 10, 10, cls, score}; };
  std::vector<TileDetection> in{
      {det(0, 0.9, 0), 0},   // kept: best
      {det(1, 0.8, 0), 1},   // IoU 0.82 with the first, another tile, same class: dropped
      {det(1, 0.7, 1), 2},   // another class: kept
      {det(0.5, 0.6, 0), 0}, // same tile as the first: kept (NMS already ran within a tile)
      {det(8, 0.5, 0), 3},   // IoU 0.11: kept
  };
  const auto out = merge_tile_detections(in, 0.25);
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0].score, 0.9);
  EXPECT_EQ(out[1].score, 0.7);
  EXPECT_EQ(out[2].score, 0.6);
  EXPECT_EQ(out[3].score, 0.5);
  // A dropped box drops nothing itself: B (IoU 0.43 with A) goes, C (IoU 0.43 with B, 0.11 with A) stays.
  std::vector<TileDetection> chain{{det(0, 0.9, 0), 0}, {det(4, 0.8, 0), 1}, {det(8, 0.7, 0), 2}};
  const auto merged = merge_tile_detections(chain, 0.3);
  ASSERT_EQ(merged.size(), 2u);
  EXPECT_EQ(merged[1].score, 0.7);
  EXPECT_EQ(merge_tile_detections(chain, 0.5).size(), 3u);
}

TEST(Base64, DecodesWhatPythonWrites) {
  const std::string bytes("\x00\x01\xfe\xffhello world, this line is long enough to wrap", 48);
  const std::string enc = encode_base64(bytes);
  std::string err;
  EXPECT_EQ(decode_base64(enc, &err).value(), bytes);
  std::string wrapped;  // base64.encodebytes: a newline every 76 characters and at the end
  for (std::size_t i = 0; i < enc.size(); i += 76) wrapped += enc.substr(i, 76) + "\n";
  EXPECT_EQ(decode_base64(wrapped, &err).value(), bytes);
  std::string unpadded = enc;
  while (!unpadded.empty() && unpadded.back() == '=') unpadded.pop_back();
  EXPECT_EQ(decode_base64(unpadded, &err).value(), bytes);
  EXPECT_EQ(encode_base64("f"), "Zg==");
  EXPECT_EQ(encode_base64("fo"), "Zm8=");
  EXPECT_EQ(encode_base64("foo"), "Zm9v");
  EXPECT_FALSE(decode_base64("Zm9v!", &err));
  EXPECT_NE(err.find("character 4"), std::string::npos);
  EXPECT_FALSE(decode_base64("Zg==Zg", &err));
  EXPECT_FALSE(decode_base64("Z", &err));
}

TEST(ScoreRequest, ReadsTheAzureSchemaAndNamesBadElements) {
  const std::string png = png_bytes(8, 6);
  const std::string b64 = encode_base64(png);
  RequestLimits limits;
  limits.max_images = 3;
  auto r = parse_score_request(
      json{{"input_data", {{"columns", {"image"}}, {"index", {0, 1}}, {"data", {b64, json::array({b64})}}}},
           {"model_settings", {{"box_score_thresh", 0.5}}}}.dump(),
      "application/json", limits);
  ASSERT_EQ(r.images.size(), 2u);
  EXPECT_EQ(r.images[1], png);
  EXPECT_EQ(r.model_settings["box_score_thresh"], 0.5);
  EXPECT_EQ(decode_request_image(r.images[0], r.names[0], 1000).size(), cv::Size(8, 6));
  // The explainability form of an element (R7.2) and a raw image body.
  auto x = parse_score_request(
      json{{"input_data", {{"columns", {"image"}}, {"data", {json{{"image_base64", b64}, {"model_explainability", false}}.dump()}}}}}.dump(),
      "", limits);
  EXPECT_EQ(x.images[0], png);
  EXPECT_EQ(parse_score_request(png, "image/png", limits).images[0], png);

  auto req = [&](const json& data, const json& cols = json::array({"image"})) {
    return json{{"input_data", {{"columns", cols}, {"data", data}}}}.dump();
  };
  struct Case {
    std::string body;
    int status;
    std::string expect;
  } cases[] = {
      {"{not json", 400, "not valid JSON"},
      {req({b64}, json::array({"img"})), 400, "columns"},
      {req({b64, "@@@"}), 400, "input_data.data[1]: bad base64"},
      {req({b64, 7}), 400, "input_data.data[1]: must be a base64"},
      {req(json::array()), 400, "no images"},
      {req({b64, b64, b64, b64}), 413, "over the limit of 3"},
      {json{{"input_data", {{"columns", {"image"}}, {"data", {b64}}}}, {"model_setings", json::object()}}.dump(), 400, "model_setings"},
      {json{{"input_data", {{"columns", {"image"}}, {"index", {1, 2}}, {"data", {b64}}}}}.dump(), 400, "index"},
  };
  for (const auto& c : cases) {
    const std::string e = error_of([&] { parse_score_request(c.body, "application/json", limits); });
    EXPECT_NE(e.find(c.expect), std::string::npos) << c.body.substr(0, 80) << " -> " << e;
    EXPECT_EQ(status_of([&] { parse_score_request(c.body, "application/json", limits); }), c.status) << e;
  }
}

TEST(ScoreRequest, RefusesBombsAndNonImagesBeforeDecoding) {
  // A PNG header claiming 100000 x 100000 pixels, and nothing else.
  std::string bomb = png_bytes(4, 4).substr(0, 33);
  for (int at : {16, 20}) {
    const std::uint32_t v = 100000;
    bomb[std::size_t(at)] = char(v >> 24);
    bomb[std::size_t(at) + 1] = char((v >> 16) & 0xFF);
    bomb[std::size_t(at) + 2] = char((v >> 8) & 0xFF);
    bomb[std::size_t(at) + 3] = char(v & 0xFF);
  }
  std::string e = error_of([&] { decode_request_image(bomb, "input_data.data[1]", 40'000'000); });
  EXPECT_NE(e.find("input_data.data[1]: image is 100000x100000 pixels, over the limit"), std::string::npos) << e;
  e = error_of([&] { decode_request_image("hello world", "input_data.data[0]", 40'000'000); });
  EXPECT_NE(e.find("input_data.data[0]"), std::string::npos) << e;
  EXPECT_NE(e.find("not a recognised image"), std::string::npos) << e;
  // A real header over a lying body.
  std::string broken = png_bytes(64, 64);
  broken.resize(broken.size() / 2);
  EXPECT_NE(error_of([&] { decode_request_image(broken, "body", 40'000'000); }).find("body: corrupt png"), std::string::npos);
  // WebP: the size comes from the header, not from a decode.
  std::vector<unsigned char> webp;
  if (cv::imencode(".webp", cv::Mat(30, 50, CV_8UC3, cv::Scalar(1, 2, 3)), webp)) {
    const std::string w(webp.begin(), webp.end());
    EXPECT_EQ(decode_request_image(w, "body", 40'000'000).size(), cv::Size(50, 30));
    EXPECT_NE(error_of([&] { decode_request_image(w, "body", 1000); }).find("50x30"), std::string::npos);
  }
}

TEST(Tiling, TrainingTilesCutTheBoxesAsR86Says) {
  Dataset d;
  ImageRecord rec;
  rec.path = "/nonexistent/only-the-size-is-used.jpg";
  rec.width = 100;
  rec.height = 40;
  rec.boxes = {Box{10, 5, 30, 20, "a"}, Box{40, 10, 60, 30, "b", true}, Box{49.5, 0, 50.4, 10, "c"}};
  d.images.push_back(rec);
  const Dataset t = with_training_tiles(d, TileGrid{2, 1}, 0.0);  // tiles [0, 50) and [50, 100)
  ASSERT_EQ(t.images.size(), 3u);
  EXPECT_FALSE(t.images[0].crop);  // the whole image first
  EXPECT_EQ(t.images[0].boxes.size(), 3u);
  const ImageRecord &left = t.images[1], &right = t.images[2];
  ASSERT_TRUE(left.crop && right.crop);
  EXPECT_EQ(left.crop->x0, 0);
  EXPECT_EQ(left.crop->x1, 50);
  EXPECT_EQ(right.crop->x0, 50);
  EXPECT_EQ(right.crop->x1, 100);
  EXPECT_EQ(right.width, 50);
  EXPECT_EQ(right.height, 40);
  EXPECT_EQ(right.path, rec.path);
  // a stays left; b is cut in two and keeps its crowd flag; c's sliver [49.5, 50) keeps an area
  // once floored (50 - 49) on the left, and [50, 50.4) none (50 - 50) on the right.
  ASSERT_EQ(left.boxes.size(), 3u);
  EXPECT_EQ(left.boxes[1].x1, 50);
  EXPECT_TRUE(left.boxes[1].crowd);
  EXPECT_DOUBLE_EQ(left.boxes[2].x0, 49.5);
  EXPECT_DOUBLE_EQ(left.boxes[2].x1, 50);
  ASSERT_EQ(right.boxes.size(), 1u);
  EXPECT_EQ(right.boxes[0].label, "b");
  EXPECT_EQ(right.boxes[0].x0, 0);   // re-expressed in the tile's pixels
  EXPECT_EQ(right.boxes[0].x1, 10);
  EXPECT_EQ(right.boxes[0].y0, 10);
  EXPECT_TRUE(right.boxes[0].crowd);
}
