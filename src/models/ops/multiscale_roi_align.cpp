#include "models/ops/multiscale_roi_align.h"

#include <cmath>

#include <torch/torch.h>

#include "models/ops/box_ops.h"
#include "models/ops/roi_align.h"

namespace autodet::models {
namespace {

// torchvision's _infer_scale: 2 ** round(log2(feature height / image height)), in float32 as
// torch computes the log.
double infer_scale(std::int64_t feature, std::int64_t image) {
  const float approx = float(double(feature) / double(image));
  return std::pow(2.0, double(std::nearbyint(std::log2(approx))));
}

}  // namespace

torch::Tensor MultiScaleRoIAlign::operator()(const std::vector<torch::Tensor>& features,
                                             const std::vector<torch::Tensor>& boxes,
                                             const std::vector<std::pair<std::int64_t, std::int64_t>>& image_sizes) const {
  std::int64_t max_h = 0;
  for (const auto& s : image_sizes) max_h = std::max(max_h, s.first);
  std::vector<double> scales;
  for (const auto& f : features) scales.push_back(infer_scale(f.size(2), max_h));
  std::vector<torch::Tensor> with_ids;
  for (std::size_t i = 0; i < boxes.size(); ++i)
    with_ids.push_back(torch::cat({torch::full({boxes[i].size(0), 1}, double(i), boxes[i].options()), boxes[i]}, 1));
  auto rois = torch::cat(with_ids, 0);
  if (features.size() == 1)
    return roi_align(features[0], rois, scales[0], output_size, output_size, sampling_ratio, false);
  const int k_min = int(-std::log2(float(scales.front())));
  const int k_max = int(-std::log2(float(scales.back())));
  auto all_boxes = torch::cat(boxes, 0);
  auto s = torch::sqrt(box_area(all_boxes));
  auto levels = torch::floor(canonical_level + torch::log2(s / double(canonical_scale)) +
                             torch::tensor(1e-6, s.options()))
                    .clamp(k_min, k_max)
                    .to(torch::kLong) -
                k_min;
  const auto C = features[0].size(1);
  auto result = torch::zeros({rois.size(0), C, output_size, output_size}, features[0].options());
  for (std::size_t l = 0; l < features.size(); ++l) {
    auto idx = torch::nonzero(levels == std::int64_t(l)).squeeze(1);
    if (idx.numel() == 0) continue;
    auto pooled = roi_align(features[l], rois.index_select(0, idx), scales[l], output_size, output_size,
                            sampling_ratio, false);
    result = result.index_put({idx}, pooled);
  }
  return result;
}

}  // namespace autodet::models
