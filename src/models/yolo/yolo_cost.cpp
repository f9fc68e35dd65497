#include "models/yolo/yolo_cost.h"

#include <cmath>
#include <cstdint>

#include "core/error.h"

namespace autodet {
namespace {

// Walks the v6 graph (the layers of models/yolo/yolov5.cpp) adding each convolution's cost.
class Counter {
 public:
  Counter(double depth, double width, int image_size) : depth_(depth), width_(width), size_(image_size) {}
  std::int64_t w(std::int64_t ch) const { return std::int64_t(std::ceil(double(ch) * width_ / 8.0)) * 8; }
  std::int64_t d(std::int64_t n) const { return std::max<std::int64_t>(std::int64_t(std::nearbyint(double(n) * depth_)), 1); }

  // A k x k convolution from c1 to c2 channels whose output is at 1/stride of the image.
  void conv(std::int64_t c1, std::int64_t c2, int k, int out_stride) {
    const double hw = double(size_ / out_stride) * double(size_ / out_stride);
    const double weights = double(c1) * double(c2) * k * k;
    cost.weights += weights;
    cost.macs += weights * hw;
  }
  void c3(std::int64_t c1, std::int64_t c2, std::int64_t n, int stride) {
    const std::int64_t c = std::int64_t(double(c2) * 0.5);
    conv(c1, c, 1, stride);
    conv(c1, c, 1, stride);
    conv(2 * c, c2, 1, stride);
    for (std::int64_t i = 0; i < n; ++i) {
      conv(c, c, 1, stride);
      conv(c, c, 3, stride);
    }
  }
  void sppf(std::int64_t c1, std::int64_t c2, int stride) {
    conv(c1, c1 / 2, 1, stride);
    conv(c1 / 2 * 4, c2, 1, stride);
  }

  ConvCost cost;

 private:
  double depth_, width_;
  int size_;
};

}  // namespace

ConvCost yolov5_conv_cost(const std::string& model_size, int image_size, int num_classes) {
  double depth = 0, width = 0;
  if (model_size == "nano") depth = 0.33, width = 0.25;
  else if (model_size == "small") depth = 0.33, width = 0.50;
  else if (model_size == "medium") depth = 0.67, width = 0.75;
  else if (model_size == "large") depth = 1.0, width = 1.0;
  else if (model_size == "extra_large") depth = 1.33, width = 1.25;
  else throw UsageError("yolov5 cost: unknown model_size '" + model_size + "'");
  Counter k(depth, width, image_size);
  auto w = [&](std::int64_t c) { return k.w(c); };
  auto d = [&](std::int64_t n) { return k.d(n); };
  // Backbone.
  k.conv(3, w(64), 6, 2);
  k.conv(w(64), w(128), 3, 4);
  k.c3(w(128), w(128), d(3), 4);
  k.conv(w(128), w(256), 3, 8);
  k.c3(w(256), w(256), d(6), 8);
  k.conv(w(256), w(512), 3, 16);
  k.c3(w(512), w(512), d(9), 16);
  k.conv(w(512), w(1024), 3, 32);
  k.c3(w(1024), w(1024), d(3), 32);
  k.sppf(w(1024), w(1024), 32);
  // PANet head.
  k.conv(w(1024), w(512), 1, 32);
  k.c3(w(512) + w(512), w(512), d(3), 16);
  k.conv(w(512), w(256), 1, 16);
  k.c3(w(256) + w(256), w(256), d(3), 8);
  k.conv(w(256), w(256), 3, 16);
  k.c3(w(256) + w(256), w(512), d(3), 16);
  k.conv(w(512), w(512), 3, 32);
  k.c3(w(512) + w(512), w(1024), d(3), 32);
  // Detect: a 1x1 convolution per level to 3 anchors x (classes + 5).
  const std::int64_t out = 3 * (num_classes + 5);
  k.conv(w(256), out, 1, 8);
  k.conv(w(512), out, 1, 16);
  k.conv(w(1024), out, 1, 32);
  return k.cost;
}

}  // namespace autodet
