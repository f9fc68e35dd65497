#include "models/ops/anchor_generator.h"

#include <torch/torch.h>

#include "core/error.h"

namespace autodet::models {

AnchorGenerator::AnchorGenerator(std::vector<std::vector<double>> sizes, std::vector<std::vector<double>> ratios)
    : sizes_(std::move(sizes)), ratios_(std::move(ratios)) {
  if (sizes_.size() != ratios_.size()) throw UsageError("anchor generator: one ratio list per size list");
  for (std::size_t l = 0; l < sizes_.size(); ++l) {
    auto scales = torch::tensor(sizes_[l], torch::kFloat);
    auto ar = torch::tensor(ratios_[l], torch::kFloat);
    auto h_ratios = torch::sqrt(ar);
    auto w_ratios = 1 / h_ratios;
    auto ws = (w_ratios.unsqueeze(1) * scales.unsqueeze(0)).reshape({-1});
    auto hs = (h_ratios.unsqueeze(1) * scales.unsqueeze(0)).reshape({-1});
    cell_.push_back((torch::stack({-ws, -hs, ws, hs}, 1) / 2).round());
  }
}

AnchorGenerator AnchorGenerator::rcnn_default() {
  return AnchorGenerator({{32}, {64}, {128}, {256}, {512}}, std::vector<std::vector<double>>(5, {0.5, 1.0, 2.0}));
}

std::int64_t AnchorGenerator::anchors_per_location(std::size_t level) const {
  return std::int64_t(sizes_.at(level).size() * ratios_.at(level).size());
}

torch::Tensor AnchorGenerator::anchors(const std::vector<torch::Tensor>& features, std::int64_t image_h,
                                       std::int64_t image_w, std::vector<std::int64_t>* per_level) const {
  if (features.size() != cell_.size())
    throw UsageError("anchor generator: " + std::to_string(cell_.size()) + " levels configured, " +
                     std::to_string(features.size()) + " feature maps given");
  std::vector<torch::Tensor> all;
  if (per_level) per_level->clear();
  const auto opts = features[0].options();
  for (std::size_t l = 0; l < features.size(); ++l) {
    const std::int64_t gh = features[l].size(-2), gw = features[l].size(-1);
    const std::int64_t sh = image_h / gh, sw = image_w / gw;
    auto sx = torch::arange(gw, torch::TensorOptions(torch::kInt).device(opts.device())) * sw;
    auto sy = torch::arange(gh, torch::TensorOptions(torch::kInt).device(opts.device())) * sh;
    auto grid = torch::meshgrid({sy, sx}, "ij");
    auto shift_y = grid[0].reshape({-1}), shift_x = grid[1].reshape({-1});
    auto shifts = torch::stack({shift_x, shift_y, shift_x, shift_y}, 1).to(opts.dtype());
    auto base = cell_[l].to(opts);
    all.push_back((shifts.view({-1, 1, 4}) + base.view({1, -1, 4})).reshape({-1, 4}));
    if (per_level) per_level->push_back(all.back().size(0));
  }
  return torch::cat(all, 0);
}

}  // namespace autodet::models
