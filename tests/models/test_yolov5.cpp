// YOLOv5 architecture: parameter counts against Ultralytics v6, shapes, state-dict names,
// head initialisation, decoding, sizes, registry.
#include <algorithm>
#include <chrono>
#include <cmath>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/error.h"
#include "models/registry.h"
#include "models/yolo/yolo_loss.h"
#include "models/yolo/yolov5.h"

using namespace autodet;
using namespace autodet::models;

namespace {

std::int64_t count_parameters(torch::nn::Module& m) {
  std::int64_t n = 0;
  for (const auto& p : m.parameters()) n += p.numel();
  return n;
}

// Parameters after folding each BatchNorm into its conv (weight + one bias per channel):
// what Ultralytics prints after fuse().
std::int64_t count_fused_parameters(YoloV5Impl& m) {
  std::int64_t n = 0;
  for (const auto& module : m.modules(false)) {
    if (auto* conv = module->as<ConvImpl>()) n += conv->conv->weight.numel() + conv->conv->weight.size(0);
  }
  for (const auto& p : m.detect->parameters()) n += p.numel();
  return n;
}

}  // namespace

TEST(YoloV5Test, ParameterCountsMatchUltralyticsV6) {
  // Ultralytics v6.x model summaries for nc = 80 (yolov5n/s/m/l/x.yaml), before fusing.
  // The second number is the count after fuse() (BatchNorm folded into conv biases), which is
  // what "yolov5n: 1,867,405" refers to.
  const std::vector<std::tuple<std::string, std::int64_t, std::int64_t>> expected = {
      {"nano", 1872157, 1867405},     {"small", 7235389, 7225885},     {"medium", 21190557, 21172173},
      {"large", 46563709, 46533693}, {"xlarge", 86749405, 86705005}};
  for (const auto& [size, count, fused] : expected) {
    YoloV5 model(config_for_size(size, 80));
    EXPECT_EQ(count_parameters(*model), count) << size;
    EXPECT_EQ(count_fused_parameters(*model), fused) << size;
  }
}

TEST(YoloV5Test, OutputShapes) {
  torch::NoGradGuard no_grad;
  for (const auto& [size, nc] : std::vector<std::pair<std::string, int>>{{"nano", 80}, {"small", 3}}) {
    YoloV5 model(config_for_size(size, nc));
    model->eval();
    for (int px : {320, 640}) {
      if (size == "small" && px == 640) continue;  // keep the suite fast
      auto raw = model->forward(torch::zeros({2, 3, px, px}));
      ASSERT_EQ(raw.size(), 3u);
      for (int i = 0; i < 3; ++i) {
        const int g = px / (8 << i);
        EXPECT_EQ(raw[std::size_t(i)].sizes(), (std::vector<std::int64_t>{2, 3, g, g, nc + 5})) << size << " " << px;
      }
      const std::int64_t n = 3 * ((px / 8) * (px / 8) + (px / 16) * (px / 16) + (px / 32) * (px / 32));
      auto dec = model->decode(raw);
      EXPECT_EQ(dec.sizes(), (std::vector<std::int64_t>{2, n, nc + 5}));
    }
  }
  YoloV5 model(config_for_size("nano", 2));
  auto raw = model->forward(torch::zeros({1, 3, 96, 160}));  // non-square
  EXPECT_EQ(raw[0].sizes(), (std::vector<std::int64_t>{1, 3, 12, 20, 7}));
  EXPECT_THROW(model->forward(torch::zeros({1, 3, 100, 128})), UsageError);
}

TEST(YoloV5Test, StateDictNamesFollowUltralytics) {
  YoloV5 model(config_for_size("nano", 80));
  auto params = model->named_parameters();
  auto buffers = model->named_buffers();
  for (const char* key : {"model.0.conv.weight", "model.0.bn.weight", "model.2.m.0.cv1.conv.weight", "model.8.cv3.bn.bias",
                          "model.9.cv2.conv.weight", "model.13.cv1.conv.weight", "model.23.m.0.cv2.conv.weight",
                          "model.24.m.0.weight", "model.24.m.2.bias"})
    EXPECT_NE(params.find(key), nullptr) << key;
  for (const char* key : {"model.24.anchors", "model.0.bn.running_mean", "model.0.bn.running_var"})
    EXPECT_NE(buffers.find(key), nullptr) << key;
  EXPECT_EQ(params.find("model.11.weight"), nullptr);  // upsample / concat layers have no parameters
  // Layer widths: the stem of nano has 16 channels and a 6x6 kernel.
  EXPECT_EQ(params["model.0.conv.weight"].sizes(), (std::vector<std::int64_t>{16, 3, 6, 6}));
  EXPECT_EQ(params["model.24.m.0.weight"].sizes(), (std::vector<std::int64_t>{255, 64, 1, 1}));
  // BatchNorm settings.
  auto bn = model->modules(false);
  for (const auto& m : bn)
    if (auto* b = m->as<torch::nn::BatchNorm2dImpl>()) {
      EXPECT_DOUBLE_EQ(b->options.eps(), 1e-3);
      EXPECT_DOUBLE_EQ(b->options.momentum().value(), 0.03);
    }
  EXPECT_EQ(backbone_layer_prefixes().size(), 10u);
  EXPECT_EQ(backbone_layer_prefixes().front(), "model.0.");
  EXPECT_EQ(backbone_layer_prefixes().back(), "model.9.");
}

TEST(YoloV5Test, HeadBiasesAndAnchors) {
  YoloV5 model(config_for_size("nano", 80), 5);
  const int strides[3] = {8, 16, 32};
  for (int i = 0; i < 3; ++i) {
    auto b = model->detect->m[std::size_t(i)]->as<torch::nn::Conv2dImpl>()->bias.view({3, 85});
    const double s = strides[i];
    const double bound = 1.0 / std::sqrt(double(model->detect->m[std::size_t(i)]->as<torch::nn::Conv2dImpl>()->weight.size(1)));
    const double obj = std::log(8.0 / ((640.0 / s) * (640.0 / s))), cls = std::log(0.6 / (80 - 0.99));
    EXPECT_LE((b.select(1, 4) - obj).abs().max().item<double>(), bound + 1e-6);
    EXPECT_LE((b.narrow(1, 5, 80) - cls).abs().max().item<double>(), bound + 1e-6);
  }
  EXPECT_EQ(model->anchors_pixels(), yolov5_default_anchors());
  EXPECT_FLOAT_EQ(model->anchors_grid()[0][0][0].item<float>(), 10.f / 8.f);
  EXPECT_FLOAT_EQ(model->anchors_grid()[2][2][1].item<float>(), 326.f / 32.f);
  // Anchors given largest first are flipped so that P3 gets the small ones.
  auto reversed = yolov5_default_anchors();
  std::reverse(reversed.begin(), reversed.end());
  model->set_anchors(reversed);
  EXPECT_EQ(model->anchors_pixels(), yolov5_default_anchors());
}

TEST(YoloV5Test, DecodeUsesTheV5GridFormula) {
  YoloV5 model(config_for_size("nano", 1));
  std::vector<torch::Tensor> raw;
  for (int g : {4, 2, 1}) raw.push_back(torch::zeros({1, 3, g, g, 6}));
  raw[0][0][1][2][3][0] = 2.0f;  // level 0, anchor 1, row 2, column 3
  raw[0][0][1][2][3][3] = -1.0f;
  auto dec = model->decode(raw);
  ASSERT_EQ(dec.sizes(), (std::vector<std::int64_t>{1, 3 * (16 + 4 + 1), 6}));
  auto row = dec[0][1 * 16 + 2 * 4 + 3];  // (anchor, y, x) flattened
  const double sx = 1.0 / (1.0 + std::exp(-2.0)), sh = 1.0 / (1.0 + std::exp(1.0));
  EXPECT_NEAR(row[0].item<double>(), (sx * 2 - 0.5 + 3) * 8, 1e-4);
  EXPECT_NEAR(row[1].item<double>(), (0.5 * 2 - 0.5 + 2) * 8, 1e-4);
  EXPECT_NEAR(row[2].item<double>(), 16.0, 1e-4);  // sigmoid(0) * 2 = 1 -> anchor width
  EXPECT_NEAR(row[3].item<double>(), (sh * 2) * (sh * 2) * 30.0, 1e-4);
  EXPECT_NEAR(row[4].item<double>(), 0.5, 1e-6);
  auto last = dec[0][dec.size(1) - 1];  // level 2, anchor 2, the only cell
  EXPECT_NEAR(last[0].item<double>(), 16.0, 1e-4);
  EXPECT_NEAR(last[2].item<double>(), 373.0, 1e-3);
}

TEST(YoloV5Test, ChannelsLastGivesTheSameOutputs) {
  YoloV5 a(config_for_size("nano", 3), 2), b(config_for_size("nano", 3), 2);
  b->use_channels_last();
  EXPECT_TRUE(b->model[0]->as<ConvImpl>()->conv->weight.is_contiguous(torch::MemoryFormat::ChannelsLast));
  auto x = torch::rand({2, 3, 64, 96});
  auto ra = a->forward(x), rb = b->forward(x);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_TRUE(torch::allclose(ra[i], rb[i], 1e-4, 1e-4)) << i;
  YoloLoss loss(b, 96);
  auto targets = torch::tensor({0.f, 1.f, 0.5f, 0.5f, 0.2f, 0.3f}).view({1, 6});
  auto r = loss(rb, targets);
  r.loss.backward();
  EXPECT_TRUE(torch::isfinite(b->model[0]->as<ConvImpl>()->conv->weight.grad()).all().item<bool>());
}

TEST(YoloV5Test, InitialisationIsSeeded) {
  YoloV5 a(config_for_size("nano", 4), 7), b(config_for_size("nano", 4), 7), c(config_for_size("nano", 4), 8);
  auto pa = a->parameters(), pb = b->parameters(), pc = c->parameters();
  bool all_equal = true, any_differs = false;
  for (std::size_t i = 0; i < pa.size(); ++i) {
    all_equal = all_equal && torch::equal(pa[i], pb[i]);
    any_differs = any_differs || !torch::equal(pa[i], pc[i]);
  }
  EXPECT_TRUE(all_equal);
  EXPECT_TRUE(any_differs);
}

TEST(YoloV5Test, SizesAndRounding) {
  EXPECT_EQ(yolov5_width(64, 0.25), 16);
  EXPECT_EQ(yolov5_width(1024, 1.25), 1280);
  EXPECT_EQ(yolov5_width(100, 0.33), 40);  // 33 rounded up to a multiple of 8
  EXPECT_EQ(yolov5_depth(9, 0.33), 3);
  EXPECT_EQ(yolov5_depth(3, 0.33), 1);
  EXPECT_EQ(yolov5_depth(1, 0.33), 1);
  EXPECT_EQ(yolov5_depth(3, 1.33), 4);
  EXPECT_EQ(yolov5_depth(6, 0.67), 4);
  const std::vector<std::tuple<std::string, double, double>> sizes = {
      {"nano", 0.33, 0.25}, {"small", 0.33, 0.5}, {"medium", 0.67, 0.75}, {"large", 1.0, 1.0},
      {"extra_large", 1.33, 1.25}, {"xlarge", 1.33, 1.25}, {"M", 0.67, 0.75}};
  for (const auto& [name, d, w] : sizes) {
    auto c = config_for_size(name, 5);
    EXPECT_EQ(c.depth_multiple, d) << name;
    EXPECT_EQ(c.width_multiple, w) << name;
    EXPECT_EQ(c.num_classes, 5);
  }
  EXPECT_EQ(canonical_yolov5_size("xlarge"), "extra_large");
  EXPECT_EQ(canonical_yolov5_size("huge"), "");
  EXPECT_THROW(config_for_size("huge", 5), UsageError);
  auto bad = config_for_size("nano", 0);
  EXPECT_THROW(YoloV5{bad}, UsageError);
}

TEST(YoloV5Test, RegistryBuildsAndFreezes) {
  EXPECT_TRUE(is_registered_detector("yolov5"));
  DetectorConfig c;
  c.model_size = "nano";
  c.num_classes = 3;
  c.init_seed = 1;
  auto h = build_detector("yolov5", c);
  EXPECT_EQ(h->family(), "yolov5");
  EXPECT_EQ(h->model_size(), "nano");
  EXPECT_EQ(h->num_classes(), 3);
  c.model_size = "small";
  EXPECT_THROW(build_detector("yolov9", c), UsageError);
  c.model_size = "tiny";
  EXPECT_THROW(build_detector("yolov5", c), UsageError);
  const int frozen = freeze_layers(h->module(), h->freeze_groups(), 10);
  EXPECT_GT(frozen, 0);
  for (const auto& item : h->module().named_parameters()) {
    const bool backbone = std::stoi(item.key().substr(6, item.key().find('.', 6) - 6)) <= 9;
    EXPECT_EQ(item.value().requires_grad(), !backbone) << item.key();
  }
}

// Timing (not run by default): ./autodet_torch_tests --gtest_also_run_disabled_tests
//   --gtest_filter='YoloV5Test.DISABLED_Timing*'
TEST(YoloV5Test, DISABLED_TimingForwardBackward320Batch16) {
  for (const char* size : {"nano", "small"}) {
    for (bool channels_last : {false, true}) {
      YoloV5 model(config_for_size(size, 80));
      model->train();
      auto x = torch::rand({16, 3, 320, 320});
      if (channels_last) model->use_channels_last();
      double fwd = 0, bwd = 0, inf = 0;
      const int reps = 3;
      for (int r = 0; r <= reps; ++r) {  // the first run warms up
        auto t0 = std::chrono::steady_clock::now();
        auto out = model->forward(x);
        auto t1 = std::chrono::steady_clock::now();
        torch::Tensor s = out[0].sum() + out[1].sum() + out[2].sum();
        s.backward();
        auto t2 = std::chrono::steady_clock::now();
        model->zero_grad();
        model->eval();
        {
          torch::NoGradGuard ng;
          model->predict(x);
        }
        auto t3 = std::chrono::steady_clock::now();
        model->train();
        if (r == 0) continue;
        fwd += std::chrono::duration<double>(t1 - t0).count() / reps;
        bwd += std::chrono::duration<double>(t2 - t1).count() / reps;
        inf += std::chrono::duration<double>(t3 - t2).count() / reps;
      }
      std::printf("yolov5 %-5s 320px batch 16 %s: forward %.3f s, backward %.3f s, inference (no grad) %.3f s\n", size,
                  channels_last ? "channels_last" : "contiguous   ", fwd, bwd, inf);
    }
  }
}
