#pragma once
// torchvision's BoxCoder: (dx, dy, dw, dh) offsets of boxes from reference boxes, each scaled by
// a weight (1, 1, 1, 1 in the RPN; 10, 10, 5, 5 in the Fast R-CNN head), dw and dh clipped at
// log(1000 / 16) when decoding.
#include <array>
#include <cmath>

#include <torch/types.h>

namespace autodet::models {

class BoxCoder {
 public:
  explicit BoxCoder(std::array<double, 4> weights, double clip = std::log(1000.0 / 16));
  // Offsets (N, 4) that take `anchors` (N, 4) xyxy to `boxes` (N, 4) xyxy.
  torch::Tensor encode(const torch::Tensor& boxes, const torch::Tensor& anchors) const;
  // Boxes (N, K * 4) xyxy from offsets (N, K * 4) applied to `anchors` (N, 4).
  torch::Tensor decode(const torch::Tensor& offsets, const torch::Tensor& anchors) const;

 private:
  std::array<double, 4> w_;
  double clip_;
};

// torchvision's BoxLinearCoder (FCOS): the distances (l, t, r, b) from a reference box's centre to
// a box's four edges, divided by the reference box's width / height.
struct LinearBoxCoder {
  // Distances (..., 4) of `boxes` from the centres of `references` (both (..., 4) xyxy).
  static torch::Tensor encode(const torch::Tensor& references, const torch::Tensor& boxes);
  // Boxes (..., 4) xyxy from distances (..., 4) about the centres of `references`.
  static torch::Tensor decode(const torch::Tensor& distances, const torch::Tensor& references);
};

}  // namespace autodet::models
