// Ultralytics' YOLOv5n COCO checkpoint (a pickled module tree in fp16) imported into autodet's
// YOLOv5: with its COCO head kept and Ultralytics' preprocessing, the detections on the three
// reference images are the ones Ultralytics' own code computed (../shared/weights/yolov5/).
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <torch/torch.h>

#include "data/augment/letterbox.h"
#include "models/pretrained.h"
#include "models/registry.h"
#include "test_util.h"

namespace autodet::testing {
namespace {

using namespace autodet::models;

const std::string kShared = std::string(AUTODET_SOURCE_DIR) + "/../shared";

// YOLOv5n at Ultralytics' 640 px with `classes` classes, weights as initialised.
std::unique_ptr<Detector> nano_at_640(int classes) {
  DetectorConfig c;
  c.model_size = "nano";
  c.num_classes = classes;
  c.image_size = 640;
  return build_detector("yolov5", c);
}

bool shared_files_present(const std::string& pt, const std::string& ref) {
  if (std::filesystem::exists(pt) && std::filesystem::exists(ref)) return true;
  std::printf("skipping: %s or %s is absent\n", pt.c_str(), ref.c_str());
  return false;
}

struct Found {
  int cls;
  double score, x0, y0, x1, y1;
};

// Ultralytics' detect.py path: letterbox to 640 (INTER_LINEAR, centred 114 padding), RGB / 255,
// then the model and NMS (conf 0.05, IoU 0.45, max 300), boxes back to original pixels.
std::vector<Found> detect_like_ultralytics(Detector& d, const cv::Mat& bgr) {
  const double r = std::min(640.0 / bgr.cols, 640.0 / bgr.rows);
  const int w = int(std::lround(bgr.cols * r)), h = int(std::lround(bgr.rows * r));
  cv::Mat resized = bgr;
  if (w != bgr.cols || h != bgr.rows) cv::resize(bgr, resized, cv::Size(w, h), 0, 0, cv::INTER_LINEAR);
  const double dw = (640 - w) / 2.0, dh = (640 - h) / 2.0;
  const int top = int(std::lround(dh - 0.1)), bottom = int(std::lround(dh + 0.1));
  const int left = int(std::lround(dw - 0.1)), right = int(std::lround(dw + 0.1));
  cv::Mat boxed, rgb;
  cv::copyMakeBorder(resized, boxed, top, bottom, left, right, cv::BORDER_CONSTANT, cv::Scalar::all(114));
  cv::cvtColor(boxed, rgb, cv::COLOR_BGR2RGB);
  auto x = torch::from_blob(rgb.data, {1, 640, 640, 3}, torch::kUInt8).permute({0, 3, 1, 2}).to(torch::kFloat).div(255.0);
  DetectOptions o;
  o.score_threshold = 0.05;
  o.iou_threshold = 0.45;
  o.max_detections = 300;
  torch::NoGradGuard ng;
  auto dets = d.detect(x, o).boxes[0].to(torch::kDouble).contiguous();
  std::vector<Found> out;
  for (std::int64_t i = 0; i < dets.size(0); ++i) {
    const double* p = dets[i].data_ptr<double>();
    auto unx = [&](double v) { return std::clamp((v - dw) / r, 0.0, double(bgr.cols)); };
    auto uny = [&](double v) { return std::clamp((v - dh) / r, 0.0, double(bgr.rows)); };
    out.push_back(Found{int(p[5]), p[4], unx(p[0]), uny(p[1]), unx(p[2]), uny(p[3])});
  }
  return out;
}

TEST(YoloV5Coco, ReproducesUltralyticsDetectionsOnTheReferenceImages) {
  const std::string pt = kShared + "/weights/yolov5/yolov5n_coco_v6.1.pt";
  const std::string ref_path = kShared + "/weights/yolov5/reference_detections.json";
  if (!shared_files_present(pt, ref_path)) GTEST_SKIP() << "the shared YOLOv5 checkpoint is absent";
  std::vector<std::string> names;
  {
    std::ifstream in(kShared + "/weights/fastestdet/coco.names");
    for (std::string line; std::getline(in, line);)
      if (!line.empty()) names.push_back(line);
  }
  ASSERT_EQ(names.size(), 80u);
  auto d = nano_at_640(80);
  const std::string line = load_start_weights(*d, StartWeights{pt, "file", "", false});
  EXPECT_NE(line.find("0 of another shape"), std::string::npos) << line;
  d->module().eval();

  std::ifstream in(ref_path);
  const nlohmann::json ref = nlohmann::json::parse(in);
  int images = 0;
  for (const auto& [rel, entry] : ref.at("images").items()) {
    const cv::Mat img = cv::imread(kShared + "/" + rel, cv::IMREAD_COLOR);
    ASSERT_FALSE(img.empty()) << rel;
    ++images;
    std::vector<Found> ours = detect_like_ultralytics(*d, img);
    const auto& want = entry.at("detections");
    std::vector<bool> used(ours.size(), false);
    for (const auto& w : want) {
      const std::string label = w.at("label");
      const double score = w.at("score");
      const auto box = w.at("box").get<std::vector<double>>();
      bool matched = false;
      for (std::size_t i = 0; i < ours.size() && !matched; ++i) {
        const Found& f = ours[i];
        if (used[i] || names[std::size_t(f.cls)] != label || std::abs(f.score - score) > 2e-3) continue;
        if (std::abs(f.x0 - box[0]) > 1 || std::abs(f.y0 - box[1]) > 1 || std::abs(f.x1 - box[2]) > 1 || std::abs(f.y1 - box[3]) > 1)
          continue;
        used[i] = matched = true;
      }
      EXPECT_TRUE(matched) << rel << ": no detection like " << w.dump();
    }
    // The reference lists the top 20: with fewer, autodet must find no others.
    if (want.size() < 20) EXPECT_EQ(ours.size(), want.size()) << rel;
  }
  EXPECT_EQ(images, 3);
}


// Fine-tuning on one class from the COCO checkpoint keeps each anchor's box and objectness outputs
// of the COCO head (only the class logits start fresh): before any training step the one-class
// detector already boxes the objects Ultralytics found, where a head re-initialised whole finds none.
TEST(YoloV5Coco, OneClassStartKeepsTheHeadsBoxAndObjectnessOutputs) {
  const std::string pt = kShared + "/weights/yolov5/yolov5n_coco_v6.1.pt";
  const std::string ref_path = kShared + "/weights/yolov5/reference_detections.json";
  if (!shared_files_present(pt, ref_path)) GTEST_SKIP() << "the shared YOLOv5 checkpoint is absent";
  auto d = nano_at_640(1);
  const std::string line = load_start_weights(*d, StartWeights{pt, "coco", "", true});
  EXPECT_NE(line.find("6 class-layer tensors re-initialised, 6 of them keeping their class-free outputs"), std::string::npos)
      << line;
  auto coco = nano_at_640(80);
  load_start_weights(*coco, StartWeights{pt, "file", "", false});
  std::map<std::string, torch::Tensor> full;
  for (const auto& p : coco->module().named_parameters()) full[p.key()] = p.value();
  for (const auto& p : d->module().named_parameters()) {
    if (p.key().rfind("model.24.m.", 0) != 0) continue;
    auto ours = p.value().reshape({3, 6, -1}), theirs = full.at(p.key()).reshape({3, 85, -1});
    EXPECT_TRUE(torch::equal(ours.narrow(1, 0, 5), theirs.narrow(1, 0, 5))) << p.key();
    EXPECT_FALSE(torch::equal(ours.narrow(1, 5, 1), theirs.narrow(1, 5, 1))) << p.key() << ": class logits start fresh";
  }

  auto fresh = nano_at_640(1);  // the same network with the head re-initialised whole
  load_start_weights(*fresh, StartWeights{pt, "file", "", false});
  d->module().eval();
  fresh->module().eval();
  std::ifstream in(ref_path);
  const nlohmann::json ref = nlohmann::json::parse(in);
  for (const auto& [rel, entry] : ref.at("images").items()) {
    const cv::Mat img = cv::imread(kShared + "/" + rel, cv::IMREAD_COLOR);
    ASSERT_FALSE(img.empty()) << rel;
    const std::vector<Found> ours = detect_like_ultralytics(*d, img);
    const auto& want = entry.at("detections");
    ASSERT_FALSE(want.empty()) << rel;
    // Ultralytics' most confident box is found, at a usable score.
    const auto box = want.at(0).at("box").get<std::vector<double>>();
    double best_iou = 0;
    for (const Found& f : ours) {
      if (f.score < 0.25) continue;
      const double iw = std::max(0.0, std::min(f.x1, box[2]) - std::max(f.x0, box[0]));
      const double ih = std::max(0.0, std::min(f.y1, box[3]) - std::max(f.y0, box[1]));
      const double inter = iw * ih;
      best_iou = std::max(best_iou, inter / ((f.x1 - f.x0) * (f.y1 - f.y0) + (box[2] - box[0]) * (box[3] - box[1]) - inter));
    }
    EXPECT_GT(best_iou, 0.8) << rel << ": no confident box on " << want.at(0).dump();
    std::size_t confident = 0;
    for (const Found& f : detect_like_ultralytics(*fresh, img)) confident += f.score >= 0.25;
    EXPECT_EQ(confident, 0u) << rel << ": a head re-initialised whole should find nothing yet";
  }
}

}  // namespace
}  // namespace autodet::testing
