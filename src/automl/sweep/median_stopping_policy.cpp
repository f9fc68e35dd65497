#include "automl/sweep/median_stopping_policy.h"

#include <algorithm>

namespace autodet::sweep {

Decision MedianStoppingPolicy::decide(const std::vector<TrialMetrics>& trials, std::size_t trial) const {
  const std::size_t k = trials.at(trial).evaluations();
  if (auto skip = not_an_evaluation_point(s_, k)) return *skip;
  std::vector<double> averages;
  for (const auto& t : trials)
    if (t.evaluations() > 0) averages.push_back(t.mean_of_first(k));
  std::sort(averages.begin(), averages.end());
  const std::size_t n = averages.size();
  const double median = n % 2 ? averages[n / 2] : 0.5 * (averages[n / 2 - 1] + averages[n / 2]);
  const double mine = trials[trial].best_of_first(k);
  const std::string head = "evaluation " + std::to_string(k) + ": best " + metric_text(mine);
  const std::string tail = " median " + metric_text(median) + " of the running averages of " + std::to_string(n) +
                           " trial" + (n == 1 ? "" : "s");
  if (mine < median) return {true, head + " <" + tail};
  return {false, head + " >=" + tail};
}

}  // namespace autodet::sweep
