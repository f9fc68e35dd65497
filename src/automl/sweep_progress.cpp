#include "automl/sweep_progress.h"

namespace autodet {

void SweepProgress::update(double elapsed_minutes) {
  const auto now = std::chrono::steady_clock::now();
  if (now - last_read_ < std::chrono::seconds(1)) return;
  last_read_ = now;
  JobProgressCounts c;
  for (const store::TrialRecord& t : rs_.list_trials(job_)) {
    c.done += store::is_final(t.status);
    c.running += t.status == store::RunStatus::Running;
  }
  c.total = budget_.max_trials;
  if (auto best = rs_.best_trial_by(job_, metric_)) c.best = best->value;
  c.metric = metric_;
  c.elapsed_minutes = elapsed_minutes;
  c.timeout_minutes = budget_.timeout_minutes;
  line_.show(c);
}

}  // namespace autodet
