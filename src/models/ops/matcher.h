#pragma once
// torchvision's Matcher and BalancedPositiveNegativeSampler: each prediction gets the ground
// truth it overlaps best, or BELOW (-1: IoU < low) or BETWEEN (-2: low <= IoU < high); with low
// quality matches allowed, every ground truth also keeps the predictions it overlaps most (ties
// included). The sampler draws up to batch_size positives (>= 1) and negatives (0) per image.
#include <cstdint>
#include <optional>

#include <torch/types.h>

namespace autodet::models {

class Matcher {
 public:
  static constexpr std::int64_t kBelow = -1, kBetween = -2;
  Matcher(double high, double low, bool allow_low_quality);
  // quality: (G, P) IoU, G >= 1 -> (P) int64 ground-truth index or kBelow / kBetween.
  torch::Tensor operator()(const torch::Tensor& quality) const;

 private:
  double high_, low_;
  bool low_quality_;
};

class BalancedSampler {
 public:
  BalancedSampler(std::int64_t batch_size, double positive_fraction);
  // labels: (P) with -1 ignore, 0 negative, >= 1 positive. Returns (positive, negative) indices;
  // which ones are drawn at random with `generator`, or the first in index order when it is
  // absent (deterministic, as tests compare against a peer).
  std::pair<torch::Tensor, torch::Tensor> operator()(const torch::Tensor& labels,
                                                     std::optional<torch::Generator> generator) const;

 private:
  std::int64_t batch_;
  double fraction_;
};

}  // namespace autodet::models
