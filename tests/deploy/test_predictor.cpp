// The predictor on a real YOLOv5-nano package (seeded, untrained weights): boxes map back through
// the letterbox of non-square images, tiling runs the model on every tile and merges, settings
// are overridden and aliased; and `autodet predict` writes what `autodet evaluate` reads.
#include <cmath>
#include <random>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/error.h"
#include "core/fs.h"
#include "data/synth.h"
#include "deploy/detections_json.h"
#include "deploy/predictor.h"
#include "test_util.h"

using namespace autodet;
using namespace autodet::testing;

namespace {

const std::vector<std::string> kLabels{"bird", "cat", "dog"};

// Low threshold and a high cap: untrained weights then give many boxes to check.
Predictor make_predictor(const std::string& dir, const nlohmann::json& overrides = nlohmann::json::object()) {
  write_untrained_package(dir, "nano", kLabels, 128, 7,
                          {{"box_score_thresh", 0.001}, {"box_detections_per_img", 3000}, {"min_size", 600}});
  PredictorOptions o;
  o.package_dir = dir;
  o.overrides = overrides;
  o.max_batch = 4;
  return Predictor(o, torch::kCPU);
}

cv::Mat noise_image(int w, int h, unsigned seed) {
  cv::Mat m(h, w, CV_8UC3);
  std::mt19937 rng(seed);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) m.at<cv::Vec3b>(y, x) = cv::Vec3b(rng() % 256, rng() % 256, rng() % 256);
  cv::circle(m, cv::Point(w / 3, h / 2), std::min(w, h) / 4, cv::Scalar(20, 30, 240), cv::FILLED);
  return m;
}

}  // namespace

TEST(Predictor, BoxesMapBackThroughTheLetterboxOfNonSquareImages) {
  TempDir t;
  Predictor p = make_predictor(t / "pkg");
  // A is 256x128: letterboxed to 128 it is halved and padded 32 rows above and below. P is A
  // placed in a 256x256 grey (114) square at row 64: halved, it is exactly A's letterboxed input.
  const cv::Mat a = noise_image(256, 128, 3);
  cv::Mat sq(256, 256, CV_8UC3, cv::Scalar::all(114));
  a.copyTo(sq(cv::Rect(0, 64, 256, 128)));
  const auto da = p.predict({a})[0];
  const auto dp = p.predict({sq})[0];
  ASSERT_GT(da.size(), 10u);
  std::size_t matched = 0;
  for (const auto& d : da) {
    EXPECT_TRUE(d.x0 >= 0 && d.x1 <= 1 && d.y0 >= 0 && d.y1 <= 1 && d.x0 < d.x1 && d.y0 < d.y1);
    for (const auto& q : dp) {
      if (q.cls != d.cls || std::fabs(q.score - d.score) > 1e-6) continue;
      // Same raw box: x in pixels agrees; y is shifted by 64 rows and clipped to A.
      auto y_in_a = [](double yq) { return std::clamp(yq * 256 - 64, 0.0, 128.0); };
      if (std::fabs(q.x0 * 256 - d.x0 * 256) < 1e-3 && std::fabs(q.x1 * 256 - d.x1 * 256) < 1e-3 &&
          std::fabs(y_in_a(q.y0) - d.y0 * 128) < 1e-3 && std::fabs(y_in_a(q.y1) - d.y1 * 128) < 1e-3) {
        ++matched;
        break;
      }
    }
  }
  EXPECT_EQ(matched, da.size());
}

TEST(Predictor, TilingRunsEveryTileAndMerges) {
  TempDir t;
  Predictor p = make_predictor(t / "pkg");
  const std::vector<cv::Mat> images{noise_image(300, 200, 1), noise_image(120, 260, 2)};
  const auto before = p.stats();
  const auto plain = p.predict(images);
  EXPECT_EQ(p.stats().inputs - before.inputs, 2);
  InferenceSettings tiled = apply_settings(p.settings(), {{"tile_grid_size", "3x2"}, {"tile_predictions_nms_thresh", 0.25}},
                                           p.limits(), true);
  const auto mid = p.stats();
  const auto dets = p.score(images, tiled);
  EXPECT_EQ(p.stats().inputs - mid.inputs, 2 * 7);      // each image and its 6 tiles
  EXPECT_EQ(p.stats().passes - mid.passes, 4);          // 14 inputs in batches of 4
  ASSERT_EQ(dets.size(), 2u);
  for (const auto& im : dets) {
    EXPECT_GT(im.size(), 0u);
    for (std::size_t i = 0; i < im.size(); ++i) {
      EXPECT_TRUE(im[i].x0 >= 0 && im[i].x1 <= 1 && im[i].y0 >= 0 && im[i].y1 <= 1);
      if (i) EXPECT_GE(im[i - 1].score, im[i].score);
    }
  }
  // Merging drops boxes that other tiles found too; an IoU threshold of 1 drops none.
  auto keep_all = tiled;
  keep_all.tile_predictions_nms_thresh = 1.0;
  const auto unmerged = p.score(images, keep_all);
  EXPECT_LT(dets[0].size(), unmerged[0].size());
  EXPECT_GT(unmerged[0].size(), plain[0].size());
  // The cap holds after merging.
  tiled.box_detections_per_img = 5;
  for (const auto& im : p.score(images, tiled)) EXPECT_LE(im.size(), 5u);
}

TEST(Predictor, SettingsComeFromThePackageAndOverrides) {
  TempDir t;
  Predictor p = make_predictor(t / "pkg", {{"box_iou_thresh", 0.3}, {"image_size", 160}});
  EXPECT_EQ(p.settings().nms_iou_thresh, 0.3);
  EXPECT_EQ(p.settings().img_size, 160);
  EXPECT_EQ(p.settings().box_score_thresh, 0.001);  // from settings.json
  EXPECT_EQ(p.settings().model_size, "nano");
  EXPECT_EQ(p.describe()["settings"]["img_size"], 160);
  EXPECT_EQ(p.describe()["labels"], kLabels);
  const cv::Mat im = noise_image(200, 150, 4);
  const auto many = p.predict({im})[0];
  auto strict = p.settings();
  strict.box_score_thresh = 0.99;
  EXPECT_LT(p.score({im}, strict)[0].size(), many.size());
  strict.box_score_thresh = 0.001;
  strict.box_detections_per_img = 3;
  EXPECT_EQ(p.score({im}, strict)[0].size(), 3u);
  // Gray and BGRA inputs are accepted.
  cv::Mat gray, bgra;
  cv::cvtColor(im, gray, cv::COLOR_BGR2GRAY);
  cv::cvtColor(im, bgra, cv::COLOR_BGR2BGRA);
  EXPECT_EQ(p.predict({gray, bgra}).size(), 2u);

  auto error = [&](const nlohmann::json& overrides) {
    try {
      make_predictor(t / "pkg2", overrides);
    } catch (const UsageError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(error({{"box_score_tresh", 0.2}}).find("box_score_thresh"), std::string::npos);
  EXPECT_NE(error({{"img_size", 130}}).find("multiple of 32"), std::string::npos);
  try {
    PredictorOptions o;
    o.package_dir = t / "nowhere";
    Predictor(o, torch::kCPU);
    FAIL() << "a missing package loaded";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("nowhere"), std::string::npos);
  }
}

TEST(Predictor, JsonMatchesTheScoringSchema) {
  const ImageDetections dets{{0.1, 0.2, 0.3, 0.4, 2, 0.9}};
  EXPECT_EQ(detections_json(dets, kLabels).dump(),
            R"({"boxes":[{"box":{"topX":0.1,"topY":0.2,"bottomX":0.3,"bottomY":0.4},"label":"dog","score":0.9}]})");
  EXPECT_EQ(prediction_line("a/b.jpg", {}, kLabels), R"({"filename":"a/b.jpg","boxes":[]})");
}

TEST(CliPredict, PredictionsAreWhatEvaluateReads) {
  TempDir t;
  SynthOptions so;
  so.images = 6;
  so.classes = 2;
  so.width = 160;
  so.height = 96;
  const Dataset ds = generate_synthetic(so, t / "data");
  write_untrained_package(t / "pkg", "nano", ds.classes(), 128, 1, {{"box_score_thresh", 0.001}, {"box_detections_per_img", 50}});
  std::string out;
  ASSERT_EQ(run_autodet("-q predict --model " + (t / "pkg") + " " + (t / "data") + " --out " + (t / "preds.jsonl") +
                            " --batch 4 --set nms_iou_thresh=0.6 --draw " + (t / "pics"),
                        &out),
            0)
      << out;
  const std::string preds = read_text(t / "preds.jsonl");
  EXPECT_EQ(std::count(preds.begin(), preds.end(), '\n'), 6);
  const auto first = nlohmann::json::parse(preds.substr(0, preds.find('\n')));
  EXPECT_EQ(first["filename"], ds.images[0].url);
  EXPECT_GT(first["boxes"].size(), 0u);
  EXPECT_TRUE(fs_exists(t / ("pics/" + ds.images[0].url)));
  ASSERT_EQ(run_autodet("-q evaluate --data " + (t / "data") + " --predictions " + (t / "preds.jsonl") + " --json", &out), 0)
      << out;
  const auto report = nlohmann::json::parse(out);
  EXPECT_TRUE(report.contains("mean_average_precision")) << out;
}

TEST(CliPredict, ABadImageIsReportedAndTheOthersStillPredicted) {
  TempDir t;
  make_image(t / "in/a.jpg", 90, 60);
  make_image(t / "in/sub/b.png", 64, 100);
  write_text(t / "in/broken.jpg", "this is no image");
  write_untrained_package(t / "pkg", "nano", kLabels, 128, 1);
  std::string out;
  EXPECT_EQ(run_autodet("predict --model " + (t / "pkg") + " " + (t / "in") + " --out " + (t / "p.jsonl") + " --draw " +
                            (t / "pics") + " --draw-format png",
                        &out),
            1)
      << out;
  EXPECT_NE(out.find("broken.jpg"), std::string::npos) << out;
  EXPECT_NE(out.find("1 failed"), std::string::npos) << out;
  const std::string preds = read_text(t / "p.jsonl");
  EXPECT_EQ(std::count(preds.begin(), preds.end(), '\n'), 2) << preds;
  EXPECT_NE(preds.find(t / "in/sub/b.png"), std::string::npos);
  EXPECT_TRUE(fs_exists(t / "pics/a.png"));
  EXPECT_TRUE(fs_exists(t / "pics/sub/b.png"));
  // One image file, printed to stdout.
  ASSERT_EQ(run_autodet("-q predict --model " + (t / "pkg") + " " + (t / "in/a.jpg"), &out), 0) << out;
  EXPECT_EQ(nlohmann::json::parse(out)["filename"], t / "in/a.jpg");
  // A bad setting is one clear line.
  EXPECT_EQ(run_autodet("predict --model " + (t / "pkg") + " " + (t / "in/a.jpg") + " --set img_size=100", &out), 2);
  EXPECT_NE(out.find("img_size: must be a multiple of 32"), std::string::npos) << out;
}
