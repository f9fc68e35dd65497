#include "models/rcnn/rcnn_transform.h"

#include <cmath>

#include <torch/torch.h>

namespace autodet::models {
namespace {

namespace F = torch::nn::functional;

torch::Tensor scale_boxes(const torch::Tensor& boxes, std::int64_t from_h, std::int64_t from_w, std::int64_t to_h,
                          std::int64_t to_w) {
  // torchvision's resize_boxes: float32 ratios new / old per axis.
  const float rh = float(to_h) / float(from_h), rw = float(to_w) / float(from_w);
  auto ratio = torch::tensor({rw, rh, rw, rh}, boxes.options());
  return boxes * ratio;
}

}  // namespace

RcnnTransform::Batch RcnnTransform::operator()(const torch::Tensor& images) const {
  Batch b;
  b.in_h = images.size(2), b.in_w = images.size(3);
  auto mean_t = torch::tensor(mean, images.options()).view({1, 3, 1, 1});
  auto std_t = torch::tensor(std, images.options()).view({1, 3, 1, 1});
  // NCHW-contiguous first: a channels-last input (the predictor's) would take other resize and
  // conv kernels than torchvision's and round differently.
  auto x = (images.contiguous() - mean_t) / std_t;
  // The scale as torchvision computes it: `min_size / tensor` is reciprocal(tensor) * min_size in
  // float32 (Tensor.__rtruediv__), which rounds differently from a division (432 px to 320:
  // 0.74074078, where 320 / 432 in float32 is 0.74074072 and would give 319 rows). The output size
  // as interpolate computes it: floor in double.
  const float shorter = float(std::min(b.in_h, b.in_w)), longer = float(std::max(b.in_h, b.in_w));
  const float by_min = (1.0f / shorter) * float(min_size), by_max = (1.0f / longer) * float(max_size);
  const float scale = std::min(by_min, by_max);
  const auto out_h = std::int64_t(std::floor(double(b.in_h) * double(scale)));
  const auto out_w = std::int64_t(std::floor(double(b.in_w) * double(scale)));
  if (out_h != b.in_h || out_w != b.in_w)
    x = F::interpolate(x, F::InterpolateFuncOptions()
                              .size(std::vector<std::int64_t>{out_h, out_w})
                              .mode(torch::kBilinear)
                              .align_corners(false));
  const auto pad_h = std::int64_t(std::ceil(double(out_h) / size_divisible) * size_divisible);
  const auto pad_w = std::int64_t(std::ceil(double(out_w) / size_divisible) * size_divisible);
  if (pad_h != out_h || pad_w != out_w) x = F::pad(x, F::PadFuncOptions({0, pad_w - out_w, 0, pad_h - out_h}));
  b.images = x.contiguous();
  b.image_sizes.assign(std::size_t(images.size(0)), {out_h, out_w});
  return b;
}

torch::Tensor RcnnTransform::to_resized(const torch::Tensor& boxes, const Batch& b) {
  return scale_boxes(boxes, b.in_h, b.in_w, b.image_sizes.at(0).first, b.image_sizes.at(0).second);
}

torch::Tensor RcnnTransform::to_input(const torch::Tensor& boxes, const Batch& b) {
  return scale_boxes(boxes, b.image_sizes.at(0).first, b.image_sizes.at(0).second, b.in_h, b.in_w);
}

void torchvision_targets(const torch::Tensor& targets, std::int64_t batch, std::int64_t in_w, std::int64_t in_h,
                         std::vector<torch::Tensor>& boxes, std::vector<torch::Tensor>& labels) {
  auto t = targets.to(torch::kCPU, torch::kFloat);
  boxes.clear();
  labels.clear();
  for (std::int64_t b = 0; b < batch; ++b) {
    auto rows = t.index_select(0, torch::nonzero(t.select(1, 0) == double(b)).squeeze(1));
    auto cx = rows.select(1, 2) * double(in_w), cy = rows.select(1, 3) * double(in_h);
    auto w = rows.select(1, 4) * double(in_w), h = rows.select(1, 5) * double(in_h);
    auto xyxy = torch::stack({cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2}, 1);
    auto ok = torch::nonzero((xyxy.select(1, 2) > xyxy.select(1, 0)) & (xyxy.select(1, 3) > xyxy.select(1, 1))).squeeze(1);
    boxes.push_back(xyxy.index_select(0, ok).to(targets.device()));
    labels.push_back((rows.select(1, 1).index_select(0, ok).to(torch::kLong) + 1).to(targets.device()));
  }
}

}  // namespace autodet::models
