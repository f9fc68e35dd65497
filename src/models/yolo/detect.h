#pragma once
// The YOLOv5 detection head: one 1x1 conv per level producing na * (5 + nc) channels, plus the
// anchors (buffer `anchors`, (nl, na, 2) in grid units, as Ultralytics stores them) and decoding.
#include <cstdint>
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/pimpl.h>

namespace autodet::models {

class DetectImpl : public torch::nn::Module {
 public:
  // anchors_px: one list of (w, h) pairs per level, in input pixels; channels: input width per level.
  DetectImpl(int num_classes, const std::vector<std::vector<float>>& anchors_px, const std::vector<int>& strides,
             const std::vector<std::int64_t>& channels);

  // Raw predictions per level, each (B, na, H, W, 5 + nc) logits.
  std::vector<torch::Tensor> forward(const std::vector<torch::Tensor>& features);
  // Decoded (B, N, 5 + nc): xywh in input pixels, then sigmoid objectness and class probabilities.
  torch::Tensor decode(const std::vector<torch::Tensor>& raw) const;
  // Ultralytics' prior: objectness bias log(8 / (640 / s)^2), class bias log(0.6 / (nc - 0.99)).
  void initialize_biases();

  int nc, no, nl, na;
  std::vector<int> strides;
  torch::nn::ModuleList m{nullptr};
  torch::Tensor anchors;  // (nl, na, 2), grid units (pixels / stride)
};
TORCH_MODULE(Detect);

}  // namespace autodet::models
