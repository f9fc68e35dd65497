#pragma once
// Early termination (§2.3, R2.4): each time a trial reports its primary metric (maximised), a
// policy decides from every trial's reports whether that trial goes on, with a reason to log.
#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace autodet::sweep {

// What one trial has reported: the primary metric per evaluated epoch (0-based), in epoch order.
struct TrialMetrics {
  std::map<int, double> by_epoch;
  bool finished = false;  // completed, failed or stopped: no more reports will come

  std::size_t evaluations() const { return by_epoch.size(); }
  // Best / mean of the first k reports (fewer when the trial has fewer); NaN without reports.
  double best_of_first(std::size_t k) const;
  double mean_of_first(std::size_t k) const;
};

// Go on or stop, and why ("evaluation 6: best 0.61 < 0.667 = 0.8 / (1 + 0.2)").
struct Decision {
  bool terminate = false;
  std::string reason;
};

// The policies: Azure's three (§2.3) and asynchronous successive halving.
enum class PolicyType { Bandit, MedianStopping, TruncationSelection, Asha };

// `sweep.early_termination` with the fields of every type (each type reads its own).
struct PolicySettings {
  PolicyType type = PolicyType::Bandit;
  int evaluation_interval = 1;  // bandit, median, truncation: act on every this-many-th report...
  int delay_evaluation = 0;     // ...from this report on (R2.4)
  std::optional<double> slack_factor;  // bandit: exactly one of these two
  std::optional<double> slack_amount;
  int truncation_percentage = 0;       // truncation_selection: 1..99
  bool exclude_finished_jobs = false;  // truncation_selection
  int reduction_factor = 3;            // asha: eta, keep the top 1/eta at each rung
  int min_resource = 1;                // asha: epochs at the first rung; rung r at min_resource * eta^r
};

// A policy: decides for trials[trial] at its latest report.
class TerminationPolicy {
 public:
  virtual ~TerminationPolicy() = default;
  virtual Decision decide(const std::vector<TrialMetrics>& trials, std::size_t trial) const = 0;
};

std::unique_ptr<TerminationPolicy> make_policy(const PolicySettings& settings);
// "bandit", "median_stopping", "truncation_selection", "asha".
std::string policy_name(PolicyType type);

// Whether report number k (1-based) is one the interval policies act on: k is a multiple of
// evaluation_interval and k >= delay_evaluation (R2.4). Otherwise the decision says why not.
std::optional<Decision> not_an_evaluation_point(const PolicySettings& settings, std::size_t k);
// A metric in a reason: four significant digits ("0.6667").
std::string metric_text(double value);

}  // namespace autodet::sweep
