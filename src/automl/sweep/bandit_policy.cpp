#include "automl/sweep/bandit_policy.h"

#include <algorithm>
#include <cmath>

namespace autodet::sweep {

Decision BanditPolicy::decide(const std::vector<TrialMetrics>& trials, std::size_t trial) const {
  const std::size_t k = trials.at(trial).evaluations();
  if (auto skip = not_an_evaluation_point(s_, k)) return *skip;
  const double mine = trials[trial].best_of_first(k);
  double best = mine;
  for (const auto& t : trials)
    if (t.evaluations() > 0) best = std::max(best, t.best_of_first(k));
  const double cut = s_.slack_factor ? best / (1 + *s_.slack_factor) : best - s_.slack_amount.value_or(0);
  const std::string rule = s_.slack_factor ? metric_text(best) + " / (1 + " + metric_text(*s_.slack_factor) + ")"
                                           : metric_text(best) + " - " + metric_text(s_.slack_amount.value_or(0));
  const std::string head = "evaluation " + std::to_string(k) + ": best " + metric_text(mine);
  if (mine < cut) return {true, head + " < " + metric_text(cut) + " = " + rule + " (bandit slack of the best trial)"};
  return {false, head + " >= " + metric_text(cut) + " = " + rule};
}

}  // namespace autodet::sweep
