#include "train/lr_schedule.h"

#include <algorithm>
#include <cmath>

namespace autodet {

double WarmupCosine::factor(long step) const {
  const long warmup = batches_per_epoch * warmup_epochs;
  const long total = batches_per_epoch * total_epochs;
  if (step < warmup) return double(step) / double(std::max(1L, warmup));
  const double progress = double(step - warmup) / double(std::max(1L, total - warmup));
  return std::max(0.0, 0.5 * (1.0 + std::cos(M_PI * cycles * 2.0 * progress)));
}

double StepSchedule::factor(int epoch) const { return std::pow(gamma, double(epoch / std::max(1, step_size))); }

}  // namespace autodet
