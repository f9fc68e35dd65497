// FastestDet against the published files: names and shapes of the COCO detector and the ImageNet
// backbone, and the network's output against upstream's ONNX export run by OpenCV DNN; the loss,
// decoding and the contract on their own.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>

#include <gtest/gtest.h>
#include <opencv2/dnn.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <torch/torch.h>

#include "models/fastestdet/fastestdet_detector.h"
#include "models/fastestdet/fastestdet_loss.h"
#include "models/pretrained.h"
#include "models/registry.h"
#include "models/weights/pth_file.h"
#include "test_util.h"

namespace autodet::testing {
namespace {

using namespace autodet::models;

std::string shared_weight(const std::string& rel) {
  const std::string path = std::string(AUTODET_SOURCE_DIR) + "/../shared/weights/fastestdet/" + rel;
  if (std::filesystem::exists(path)) return path;
  std::printf("skipping: %s is absent\n", path.c_str());
  return "";
}

#define AUTODET_REQUIRE_WEIGHT(var, rel)    \
  const std::string var = shared_weight(rel); \
  if (var.empty()) GTEST_SKIP() << rel << " is absent"

std::map<std::string, torch::Tensor> own_tensors(torch::nn::Module& m) {
  std::map<std::string, torch::Tensor> own;
  for (const auto& p : m.named_parameters(true)) own.emplace(p.key(), p.value());
  for (const auto& b : m.named_buffers(true)) own.emplace(b.key(), b.value());
  return own;
}

TEST(FastestDet, HasTheCocoFilesTensorNamesAndShapes) {
  AUTODET_REQUIRE_WEIGHT(path, "fastestdet_coco_ap50_0.253.pth");
  FastestDetDetector d(80, 352, 1);
  auto own = own_tensors(d.module());
  const NamedTensors file = read_pth(path);
  EXPECT_EQ(file.items.size(), own.size());
  for (const auto& [name, t] : file.items) {
    auto it = own.find(name);
    ASSERT_NE(it, own.end()) << name;
    EXPECT_EQ(it->second.sizes(), t.sizes()) << name;
  }
}

TEST(FastestDet, LoadsTheCocoDetectorWithOnlyTheClassLayerReinitialised) {
  AUTODET_REQUIRE_WEIGHT(path, "fastestdet_coco_ap50_0.253.pth");
  FastestDetDetector d(3, 352, 1);
  const std::string line = load_start_weights(d, StartWeights{path, "coco", "", true});
  EXPECT_NE(line.find("414 of the model's 420 tensors loaded (6 class-layer tensors re-initialised"), std::string::npos) << line;
  const NamedTensors file = read_pth(path);
  auto own = own_tensors(d.module());
  EXPECT_TRUE(torch::equal(own.at("detect_head.obj_layers.conv5x5.3.weight"), *file.find("detect_head.obj_layers.conv5x5.3.weight")));
  EXPECT_EQ(own.at("detect_head.cls_layers.conv5x5.3.weight").size(0), 3);
}

TEST(FastestDet, LoadsTheImageNetBackbone) {
  AUTODET_REQUIRE_WEIGHT(path, "shufflenetv2_imagenet.pth");
  FastestDetDetector d(2, 352, 1);
  const std::string line = load_start_weights(d, StartWeights{path, "imagenet", "backbone.", false});
  EXPECT_NE(line.find("330 of the model's 420 tensors loaded"), std::string::npos) << line;
  EXPECT_NE(line.find("0 in the file unused"), std::string::npos) << line;
}

// Upstream's graph ends with sigmoid(obj), the raw box and softmax(classes) at stride 16.
void expect_matches_onnx(const cv::Mat& bgr352) {
  AUTODET_REQUIRE_WEIGHT(pth, "fastestdet_coco_ap50_0.253.pth");
  AUTODET_REQUIRE_WEIGHT(onnx, "fastestdet_coco.onnx");
  cv::dnn::Net net = cv::dnn::readNetFromONNX(onnx);
  net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
  cv::Mat blob = cv::dnn::blobFromImage(bgr352, 1.0 / 255.0, cv::Size(352, 352), cv::Scalar(), /*swapRB=*/false, false, CV_32F);
  net.setInput(blob);
  cv::Mat ref = net.forward();
  ASSERT_EQ(ref.dims, 4);
  ASSERT_EQ(ref.size[1], 85);
  ASSERT_EQ(ref.size[2], 22);
  ASSERT_EQ(ref.size[3], 22);

  FastestDetDetector d(80, 352, 1);
  load_start_weights(d, StartWeights{pth, "file", "", false});
  d.module().eval();
  torch::NoGradGuard ng;
  cv::Mat rgb;
  cv::cvtColor(bgr352, rgb, cv::COLOR_BGR2RGB);
  auto x = torch::from_blob(rgb.data, {1, 352, 352, 3}, torch::kUInt8).permute({0, 3, 1, 2}).to(torch::kFloat).div(255.0);
  auto ours = fastestdet_activations(d.network()->forward(x)).contiguous();
  auto theirs = torch::from_blob(ref.ptr<float>(), {1, 85, 22, 22}, torch::kFloat);
  const double diff = (ours - theirs).abs().max().item<double>();
  std::printf("max |autodet - ONNX (OpenCV DNN)| = %.3g\n", diff);
  EXPECT_LE(diff, 1e-4);
}

TEST(FastestDet, OutputEqualsUpstreamOnnxOnANoiseImage) {
  cv::Mat img(352, 352, CV_8UC3);
  cv::RNG rng(5);
  rng.fill(img, cv::RNG::UNIFORM, 0, 256);
  expect_matches_onnx(img);
}

TEST(FastestDet, OutputEqualsUpstreamOnnxOnARealImage) {
  AUTODET_REQUIRE_SHARED_DATA(data);
  std::string any;
  for (const auto& e : std::filesystem::directory_iterator(data + "/raccoon/images")) {
    any = e.path().string();
    break;
  }
  ASSERT_FALSE(any.empty());
  cv::Mat img = cv::imread(any, cv::IMREAD_COLOR), small;
  cv::resize(img, small, cv::Size(352, 352), 0, 0, cv::INTER_LINEAR);
  expect_matches_onnx(small);
}

TEST(FastestDet, SiouIsOneForTheSameBoxAndFallsWithDistance) {
  auto a = torch::tensor({{5.0f, 5.0f, 2.0f, 3.0f}, {5.0f, 5.0f, 2.0f, 2.0f}, {5.0f, 5.0f, 2.0f, 2.0f}});
  auto b = torch::tensor({{5.0f, 5.0f, 2.0f, 3.0f}, {5.5f, 5.0f, 2.0f, 2.0f}, {9.0f, 5.0f, 2.0f, 2.0f}});
  auto s = siou(a, b);
  EXPECT_NEAR(s[0].item<float>(), 1.0f, 1e-5);
  EXPECT_LT(s[1].item<float>(), 1.0f);
  EXPECT_GT(s[1].item<float>(), 0.5f);
  EXPECT_LT(s[2].item<float>(), 0.0f);  // disjoint: IoU 0 minus the distance cost
}

TEST(FastestDet, LossFallsWhileTrainingTowardsTheBoxes) {
  torch::manual_seed(0);
  FastestDetDetector d(2, 128, 3);
  d.module().train();
  auto images = torch::rand({2, 3, 128, 128});
  // image 0: one box; image 1: two boxes of different classes
  auto targets = torch::tensor({{0.0f, 1.0f, 0.40f, 0.55f, 0.30f, 0.20f},
                                {1.0f, 0.0f, 0.10f, 0.10f, 0.15f, 0.15f},
                                {1.0f, 1.0f, 0.80f, 0.70f, 0.25f, 0.35f}});
  auto opt = torch::optim::Adam(d.module().parameters(), torch::optim::AdamOptions(0.01));
  LossResult first = d.losses(images, targets);
  EXPECT_EQ(first.parts.size(0), 3);
  EXPECT_NEAR(first.parts.sum().item<float>(), first.total.item<float>(), 1e-5);
  for (int i = 0; i < 3; ++i) EXPECT_GT(first.parts[i].item<float>(), 0.0f) << d.loss_names()[std::size_t(i)];
  float last = first.total.item<float>();
  for (int step = 0; step < 30; ++step) {
    opt.zero_grad();
    auto r = d.losses(images, targets);
    r.total.backward();
    opt.step();
    last = r.total.item<float>();
  }
  EXPECT_LT(last, 0.5f * first.total.item<float>());
  // No boxes: only the objectness term, pushing every cell to 0.
  auto none = d.losses(images, torch::zeros({0, 6}));
  EXPECT_EQ(none.parts[0].item<float>(), 0.0f);
  EXPECT_GT(none.parts[1].item<float>(), 0.0f);
}

TEST(FastestDet, OneClassHasNoClassLossAndScoresByObjectness) {
  FastestDetDetector d(1, 64, 3);
  d.module().train();
  auto r = d.losses(torch::rand({1, 3, 64, 64}), torch::tensor({{0.0f, 0.0f, 0.5f, 0.5f, 0.3f, 0.3f}}));
  EXPECT_EQ(r.parts[2].item<float>(), 0.0f);

  // decoding: one confident cell at (gx 2, gy 1) of a 4 x 4 grid (input 64 x 64, stride 16)
  auto logits = torch::full({1, 6, 4, 4}, -10.0f);
  logits.index_put_({0, 0, 1, 2}, 2.0f);   // objectness logit: sigmoid(2) = 0.881
  logits.index_put_({0, 1, 1, 2}, 0.0f);   // tanh(0) = 0: centre at the cell's corner
  logits.index_put_({0, 2, 1, 2}, 0.0f);
  logits.index_put_({0, 3, 1, 2}, 0.0f);   // sigmoid(0) = half the input
  logits.index_put_({0, 4, 1, 2}, 0.0f);
  DetectOptions o;
  o.score_threshold = 0.5;
  auto boxes = fastestdet_decode(logits, 64, 64, o);
  ASSERT_EQ(boxes.size(), 1u);
  ASSERT_EQ(boxes[0].size(0), 1);
  auto b = boxes[0][0];
  EXPECT_NEAR(b[0].item<float>(), 32.0f - 16.0f, 1e-4);
  EXPECT_NEAR(b[1].item<float>(), 16.0f - 16.0f, 1e-4);
  EXPECT_NEAR(b[2].item<float>(), 32.0f + 16.0f, 1e-4);
  EXPECT_NEAR(b[4].item<float>(), 1.0f / (1.0f + std::exp(-2.0f)), 1e-5);
  EXPECT_EQ(b[5].item<float>(), 0.0f);
}

TEST(FastestDet, ManyClassesScoreObjectnessAndClassTogether) {
  auto logits = torch::full({1, 8, 2, 2}, -10.0f);
  logits.index_put_({0, 0, 0, 0}, 0.0f);   // obj 0.5
  logits.index_put_({0, 5, 0, 0}, 0.0f);   // classes 0..2 logits 0, 0, 2
  logits.index_put_({0, 6, 0, 0}, 0.0f);
  logits.index_put_({0, 7, 0, 0}, 2.0f);
  DetectOptions o;
  o.score_threshold = 0.1;
  auto boxes = fastestdet_decode(logits, 32, 32, o)[0];
  ASSERT_EQ(boxes.size(0), 1);
  const double p = std::exp(2.0) / (2.0 + std::exp(2.0));
  EXPECT_NEAR(boxes[0][4].item<double>(), std::pow(0.5, 0.6) * std::pow(p, 0.4), 1e-5);
  EXPECT_EQ(boxes[0][5].item<float>(), 2.0f);
}

TEST(FastestDet, IsRegisteredAndRebuildsFromItsArchitecture) {
  ASSERT_TRUE(is_registered_detector("fastestdet"));
  const FamilySpec& f = family_spec("fastestdet");
  EXPECT_EQ(f.preprocess.image_size, 352);
  // Convolution MACs counted with forward hooks on the PyTorch network of bench/fastestdet_peer.py.
  EXPECT_EQ(f.forward_macs("", 352, 1), 117821088.0);
  EXPECT_EQ(f.forward_macs("", 352, 80), 121491744.0);
  DetectorConfig c;
  c.num_classes = 4;
  c.image_size = 320;
  auto d = build_detector("fastestdet", c);
  const nlohmann::json arch = d->architecture();
  EXPECT_EQ(arch["preprocess"]["resize"], "stretch");
  EXPECT_EQ(arch["preprocess"]["channel_order"], "bgr");
  auto again = build_detector_from(arch, 4);
  EXPECT_EQ(again->family(), "fastestdet");
  EXPECT_EQ(again->preprocess().image_size, 320);
  // layers_to_freeze counts the first conv and the three stages
  EXPECT_GT(freeze_layers(d->module(), d->freeze_groups(), 4), 0);
  for (const auto& p : d->module().named_parameters(true))
    EXPECT_EQ(p.value().requires_grad(), p.key().rfind("backbone.", 0) != 0) << p.key();
  c.image_size = 100;
  EXPECT_THROW(build_detector("fastestdet", c), std::exception);
}

}  // namespace
}  // namespace autodet::testing
