#pragma once
// Learning-rate schedules of the Azure runtime: `warmup_cosine`, updated every batch (R4.7),
// and `step`, updated every epoch (R4.8). Each gives a factor applied to the initial LR.

namespace autodet {

// factor(step) = step / max(1, warmup) during warm-up, then
// max(0, 0.5 * (1 + cos(pi * cycles * 2 * progress))), progress = (step - warmup) / max(1, total - warmup).
struct WarmupCosine {
  long batches_per_epoch = 1;
  int warmup_epochs = 2;
  int total_epochs = 30;
  double cycles = 0.45;

  double factor(long step) const;
};

// StepLR: gamma ^ floor(epoch / step_size).
struct StepSchedule {
  int step_size = 5;
  double gamma = 0.5;

  double factor(int epoch) const;
};

}  // namespace autodet
