#include "models/ops/matcher.h"

#include <torch/torch.h>

namespace autodet::models {

Matcher::Matcher(double high, double low, bool allow_low_quality) : high_(high), low_(low), low_quality_(allow_low_quality) {}

torch::Tensor Matcher::operator()(const torch::Tensor& quality) const {
  auto [vals, matches] = quality.max(0);
  auto all = low_quality_ ? matches.clone() : torch::Tensor();
  auto below = vals < low_;
  auto between = (vals >= low_) & (vals < high_);
  matches.masked_fill_(below, kBelow);
  matches.masked_fill_(between, kBetween);
  if (low_quality_) {
    auto best = std::get<0>(quality.max(1));
    auto pairs = torch::nonzero(quality == best.unsqueeze(1));  // (k, 2) [gt, prediction]
    auto preds = pairs.select(1, 1);
    matches.index_put_({preds}, all.index({preds}));
  }
  return matches;
}

BalancedSampler::BalancedSampler(std::int64_t batch_size, double positive_fraction)
    : batch_(batch_size), fraction_(positive_fraction) {}

std::pair<torch::Tensor, torch::Tensor> BalancedSampler::operator()(const torch::Tensor& labels,
                                                                    std::optional<torch::Generator> gen) const {
  auto positive = torch::nonzero(labels >= 1).squeeze(1);
  auto negative = torch::nonzero(labels == 0).squeeze(1);
  const std::int64_t num_pos = std::min<std::int64_t>(positive.numel(), std::int64_t(double(batch_) * fraction_));
  const std::int64_t num_neg = std::min<std::int64_t>(negative.numel(), batch_ - num_pos);
  auto pick = [&](const torch::Tensor& idx, std::int64_t n) {
    if (!gen) return idx.slice(0, 0, n);
    auto perm = torch::randperm(idx.numel(), *gen, torch::TensorOptions(torch::kLong)).to(idx.device());
    return idx.index({perm.slice(0, 0, n)});
  };
  return {pick(positive, num_pos), pick(negative, num_neg)};
}

}  // namespace autodet::models
