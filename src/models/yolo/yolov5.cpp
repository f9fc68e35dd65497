#include "models/yolo/yolov5.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include <ATen/CPUGeneratorImpl.h>
#include <fmt/format.h>
#include <torch/torch.h>

#include "core/error.h"
#include "models/ops/memory_format.h"

namespace autodet::models {

std::vector<std::vector<float>> yolov5_default_anchors() {
  return {{10, 13, 16, 30, 33, 23}, {30, 61, 62, 45, 59, 119}, {116, 90, 156, 198, 373, 326}};
}

std::string canonical_yolov5_size(const std::string& size) {
  std::string s;
  for (char c : size) s += char(std::tolower(static_cast<unsigned char>(c)));
  if (s == "n" || s == "nano") return "nano";
  if (s == "s" || s == "small") return "small";
  if (s == "m" || s == "medium") return "medium";
  if (s == "l" || s == "large") return "large";
  if (s == "x" || s == "xlarge" || s == "extra_large" || s == "extra-large") return "extra_large";
  return "";
}

YoloV5Config config_for_size(const std::string& size, int num_classes) {
  const std::string canonical = canonical_yolov5_size(size);
  YoloV5Config c;
  c.num_classes = num_classes;
  if (canonical == "nano") c.depth_multiple = 0.33, c.width_multiple = 0.25;
  else if (canonical == "small") c.depth_multiple = 0.33, c.width_multiple = 0.50;
  else if (canonical == "medium") c.depth_multiple = 0.67, c.width_multiple = 0.75;
  else if (canonical == "large") c.depth_multiple = 1.0, c.width_multiple = 1.0;
  else if (canonical == "extra_large") c.depth_multiple = 1.33, c.width_multiple = 1.25;
  else
    throw UsageError(fmt::format("unknown yolov5 model_size '{}' (nano, small, medium, large, extra_large, xlarge)", size));
  return c;
}

std::int64_t yolov5_width(std::int64_t channels, double width_multiple) {
  return static_cast<std::int64_t>(std::ceil(double(channels) * width_multiple / 8.0)) * 8;
}

std::int64_t yolov5_depth(std::int64_t n, double depth_multiple) {
  if (n <= 1) return n;
  return std::max<std::int64_t>(static_cast<std::int64_t>(std::nearbyint(double(n) * depth_multiple)), 1);
}

std::vector<std::string> backbone_layer_prefixes() {
  std::vector<std::string> p;
  for (int i = 0; i <= 9; ++i) p.push_back(fmt::format("model.{}.", i));
  return p;
}

YoloV5Impl::YoloV5Impl(YoloV5Config config, std::uint64_t init_seed) : config_(std::move(config)) {
  const auto& c = config_;
  if (c.num_classes < 1) throw UsageError("yolov5: num_classes must be at least 1");
  if (c.depth_multiple <= 0 || c.width_multiple <= 0) throw UsageError("yolov5: depth and width multiples must be > 0");
  if (c.anchors.size() != 3) throw UsageError("yolov5: anchors must have 3 levels (P3, P4, P5)");
  if (c.strides != std::vector<int>{8, 16, 32}) throw UsageError("yolov5: the v6 graph has strides 8, 16, 32");

  auto w = [&](std::int64_t ch) { return yolov5_width(ch, c.width_multiple); };
  auto d = [&](std::int64_t n) { return yolov5_depth(n, c.depth_multiple); };

  // Backbone.
  l0 = Conv(3, w(64), 6, 2, 2);
  l1 = Conv(w(64), w(128), 3, 2);
  l2 = C3(w(128), w(128), d(3));
  l3 = Conv(w(128), w(256), 3, 2);
  l4 = C3(w(256), w(256), d(6));
  l5 = Conv(w(256), w(512), 3, 2);
  l6 = C3(w(512), w(512), d(9));
  l7 = Conv(w(512), w(1024), 3, 2);
  l8 = C3(w(1024), w(1024), d(3));
  l9 = SPPF(w(1024), w(1024), 5);
  // PANet head.
  l10 = Conv(w(1024), w(512), 1, 1);
  l11 = Upsample2x();
  l12 = Concat();
  l13 = C3(w(512) + w(512), w(512), d(3), false);
  l14 = Conv(w(512), w(256), 1, 1);
  l15 = Upsample2x();
  l16 = Concat();
  l17 = C3(w(256) + w(256), w(256), d(3), false);
  l18 = Conv(w(256), w(256), 3, 2);
  l19 = Concat();
  l20 = C3(w(256) + w(256), w(512), d(3), false);
  l21 = Conv(w(512), w(512), 3, 2);
  l22 = Concat();
  l23 = C3(w(512) + w(512), w(1024), d(3), false);
  detect = Detect(c.num_classes, c.anchors, c.strides, std::vector<std::int64_t>{w(256), w(512), w(1024)});

  model = register_module("model", torch::nn::ModuleList());
  model->push_back(l0), model->push_back(l1), model->push_back(l2), model->push_back(l3), model->push_back(l4);
  model->push_back(l5), model->push_back(l6), model->push_back(l7), model->push_back(l8), model->push_back(l9);
  model->push_back(l10), model->push_back(l11), model->push_back(l12), model->push_back(l13), model->push_back(l14);
  model->push_back(l15), model->push_back(l16), model->push_back(l17), model->push_back(l18), model->push_back(l19);
  model->push_back(l20), model->push_back(l21), model->push_back(l22), model->push_back(l23), model->push_back(detect);

  set_anchors(c.anchors);  // applies the anchor-order check
  reset_parameters(init_seed);
}

std::vector<torch::Tensor> YoloV5Impl::forward(const torch::Tensor& images) {
  if (images.dim() != 4 || images.size(1) != 3) throw UsageError("yolov5: input must be (B, 3, H, W)");
  if (images.size(2) % 32 != 0 || images.size(3) % 32 != 0)
    throw UsageError(fmt::format("yolov5: input size {}x{} is not a multiple of 32", images.size(3), images.size(2)));
  auto x = l2(l1(l0(images)));
  auto p3 = l4(l3(x));                      // 4
  auto p4 = l6(l5(p3));                     // 6
  auto h10 = l10(l9(l8(l7(p4))));           // 10
  auto h14 = l14(l13(l12->forward({l11(h10), p4})));  // 14
  auto o17 = l17(l16->forward({l15(h14), p3}));      // 17: P3/8
  auto o20 = l20(l19->forward({l18(o17), h14}));     // 20: P4/16
  auto o23 = l23(l22->forward({l21(o20), h10}));     // 23: P5/32
  return detect->forward({o17, o20, o23});
}

void YoloV5Impl::reset_parameters(std::uint64_t seed) {
  torch::NoGradGuard no_grad;
  auto gen = at::detail::createCPUGenerator(seed);
  // Drawn on the CPU and copied, so a seed gives the same weights on every device.
  auto draw = [&](torch::Tensor& t, double bound) {
    auto cpu = torch::empty(t.sizes(), torch::kFloat);
    cpu.uniform_(-bound, bound, gen);
    t.copy_(cpu);
  };
  for (const auto& module : modules(/*include_self=*/false)) {
    if (auto* conv = module->as<torch::nn::Conv2dImpl>()) {
      // PyTorch's default: kaiming_uniform_(a = sqrt(5)) = U(-1/sqrt(fan_in), 1/sqrt(fan_in)); bias alike.
      const double fan_in = double(conv->weight.size(1) * conv->weight.size(2) * conv->weight.size(3));
      const double bound = 1.0 / std::sqrt(fan_in);
      draw(conv->weight, bound);
      if (conv->bias.defined()) draw(conv->bias, bound);
    } else if (auto* bn = module->as<torch::nn::BatchNorm2dImpl>()) {
      bn->reset_running_stats();
      bn->weight.fill_(1.0);
      bn->bias.zero_();
    }
  }
  detect->initialize_biases();
}

void YoloV5Impl::use_channels_last() { store_convs_channels_last(*this); }

std::vector<std::vector<float>> YoloV5Impl::anchors_pixels() const {
  auto a = detect->anchors.detach().to(torch::kCPU, torch::kFloat).contiguous();
  std::vector<std::vector<float>> out(std::size_t(detect->nl));
  for (int i = 0; i < detect->nl; ++i) {
    auto level = (a[i] * float(detect->strides[std::size_t(i)])).contiguous();
    out[std::size_t(i)].assign(level.data_ptr<float>(), level.data_ptr<float>() + level.numel());
  }
  return out;
}

void YoloV5Impl::set_anchors(const std::vector<std::vector<float>>& anchors_px) {
  const int nl = detect->nl, na = detect->na;
  if (int(anchors_px.size()) != nl) throw UsageError(fmt::format("yolov5: expected anchors for {} levels", nl));
  std::vector<float> flat;
  for (const auto& level : anchors_px) {
    if (int(level.size()) != 2 * na) throw UsageError(fmt::format("yolov5: expected {} anchors per level", na));
    flat.insert(flat.end(), level.begin(), level.end());
  }
  auto px = torch::tensor(flat, torch::kFloat).view({nl, na, 2});
  // check_anchor_order: mean anchor area must grow with the stride, else flip the levels.
  auto area = px.prod(-1).mean(-1);
  const float da = (area[nl - 1] - area[0]).item<float>();
  const int ds = config_.strides.back() - config_.strides.front();
  if (da != 0 && ((da > 0) != (ds > 0))) px = px.flip({0});
  auto strides = torch::tensor(std::vector<float>(config_.strides.begin(), config_.strides.end())).view({nl, 1, 1});
  torch::NoGradGuard no_grad;
  detect->anchors.copy_(px / strides);
  auto now = anchors_pixels();
  config_.anchors = now;
}

}  // namespace autodet::models
