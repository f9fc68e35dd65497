#include "automl/sweep/termination_policy.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "automl/sweep/asha_policy.h"
#include "automl/sweep/bandit_policy.h"
#include "automl/sweep/median_stopping_policy.h"
#include "automl/sweep/truncation_policy.h"

namespace autodet::sweep {

double TrialMetrics::best_of_first(std::size_t k) const {
  double best = NAN;
  std::size_t i = 0;
  for (auto it = by_epoch.begin(); it != by_epoch.end() && i < k; ++it, ++i)
    best = std::isnan(best) ? it->second : std::max(best, it->second);
  return best;
}

double TrialMetrics::mean_of_first(std::size_t k) const {
  double sum = 0;
  std::size_t i = 0;
  for (auto it = by_epoch.begin(); it != by_epoch.end() && i < k; ++it, ++i) sum += it->second;
  return i == 0 ? NAN : sum / double(i);
}

std::unique_ptr<TerminationPolicy> make_policy(const PolicySettings& settings) {
  switch (settings.type) {
    case PolicyType::Bandit: return std::make_unique<BanditPolicy>(settings);
    case PolicyType::MedianStopping: return std::make_unique<MedianStoppingPolicy>(settings);
    case PolicyType::TruncationSelection: return std::make_unique<TruncationPolicy>(settings);
    case PolicyType::Asha: return std::make_unique<AshaPolicy>(settings);
  }
  return nullptr;
}

std::string policy_name(PolicyType type) {
  switch (type) {
    case PolicyType::Bandit: return "bandit";
    case PolicyType::MedianStopping: return "median_stopping";
    case PolicyType::TruncationSelection: return "truncation_selection";
    case PolicyType::Asha: return "asha";
  }
  return "";
}

std::optional<Decision> not_an_evaluation_point(const PolicySettings& s, std::size_t k) {
  if (k == 0) return Decision{false, "no evaluation reported yet"};
  const std::string at = "evaluation " + std::to_string(k) + ": ";
  if (k < std::size_t(s.delay_evaluation))
    return Decision{false, at + "before delay_evaluation " + std::to_string(s.delay_evaluation)};
  if (k % std::size_t(s.evaluation_interval) != 0)
    return Decision{false, at + "not a multiple of evaluation_interval " + std::to_string(s.evaluation_interval)};
  return std::nullopt;
}

std::string metric_text(double value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", value);
  return buf;
}

}  // namespace autodet::sweep
