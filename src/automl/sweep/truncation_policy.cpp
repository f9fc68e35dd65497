#include "automl/sweep/truncation_policy.h"

namespace autodet::sweep {

Decision TruncationPolicy::decide(const std::vector<TrialMetrics>& trials, std::size_t trial) const {
  const std::size_t k = trials.at(trial).evaluations();
  if (auto skip = not_an_evaluation_point(s_, k)) return *skip;
  const double mine = trials[trial].best_of_first(k);
  std::size_t pool = 1, at_or_below = 0;  // the trial itself, and the others ranked at or below it
  for (std::size_t j = 0; j < trials.size(); ++j) {
    const TrialMetrics& t = trials[j];
    if (j == trial || t.evaluations() < k || (s_.exclude_finished_jobs && t.finished)) continue;
    ++pool;
    at_or_below += t.best_of_first(k) <= mine;
  }
  const std::size_t cut = pool * std::size_t(s_.truncation_percentage) / 100;
  const std::string head = "evaluation " + std::to_string(k) + ": best " + metric_text(mine) + " ranks " +
                           std::to_string(at_or_below + 1) + " from the bottom of " + std::to_string(pool) +
                           " trials; the lowest " + std::to_string(s_.truncation_percentage) + "% are " +
                           std::to_string(cut);
  return {at_or_below < cut, head};
}

}  // namespace autodet::sweep
