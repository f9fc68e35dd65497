#include "automl/sweep/asha_policy.h"

#include <algorithm>
#include <cmath>
#include <functional>

namespace autodet::sweep {
namespace {

// The trial's best metric up to its first report with at least `epochs` trained epochs; NaN when
// it has not got that far. Epochs are numbered from 0, so epoch e means e + 1 trained epochs.
double value_at_rung(const TrialMetrics& t, long long epochs) {
  double best = NAN;
  for (const auto& [epoch, value] : t.by_epoch) {
    best = std::isnan(best) ? value : std::max(best, value);
    if (epoch + 1 >= epochs) return best;
  }
  return NAN;
}

}  // namespace

long long AshaPolicy::rung_epochs(int r) const {
  long long e = s_.min_resource;
  for (int i = 0; i < r && e < (1ll << 40); ++i) e *= s_.reduction_factor;
  return e;
}

Decision AshaPolicy::decide(const std::vector<TrialMetrics>& trials, std::size_t trial) const {
  const TrialMetrics& me = trials.at(trial);
  if (me.by_epoch.empty()) return {false, "no evaluation reported yet"};
  const long long now = me.by_epoch.rbegin()->first + 1;
  const long long before = me.by_epoch.size() > 1 ? std::next(me.by_epoch.rbegin())->first + 1 : 0;
  int rung = -1;  // the highest rung this report reaches for the first time
  for (int r = 0; rung_epochs(r) <= now; ++r)
    if (rung_epochs(r) > before) rung = r;
  if (rung < 0) return {false, "epoch " + std::to_string(now - 1) + ": not at a rung"};
  const long long epochs = rung_epochs(rung);
  const double mine = value_at_rung(me, epochs);
  std::vector<double> values;
  for (const auto& t : trials) {
    const double v = value_at_rung(t, epochs);
    if (!std::isnan(v)) values.push_back(v);
  }
  std::sort(values.begin(), values.end(), std::greater<double>());
  const std::size_t keep = std::max<std::size_t>(1, values.size() / std::size_t(s_.reduction_factor));
  const double cut = values[keep - 1];
  const std::string head = "rung " + std::to_string(rung) + " (" + std::to_string(epochs) + " epochs): best " +
                           metric_text(mine) + (mine < cut ? " < " : " >= ") + metric_text(cut) + ", the top " +
                           std::to_string(keep) + " of " + std::to_string(values.size()) + " trials at this rung";
  return {mine < cut, head};
}

}  // namespace autodet::sweep
