#pragma once
// A sweep's one progress line in the terminal (core/job_progress.h), fed from the run store by the
// trial scheduler after each poll: trials done, running, left, best so far, ETA for the job.
#include <chrono>
#include <string>

#include "automl/sweep/sweep_budget.h"
#include "core/job_progress.h"
#include "store/run_store.h"

namespace autodet {

class SweepProgress {
 public:
  SweepProgress(store::RunStore& rs, std::string job, std::string metric, const sweep::SweepBudget& budget)
      : rs_(rs), job_(std::move(job)), metric_(std::move(metric)), budget_(budget) {}
  // Reads the trials (at most once a second) and redraws the line.
  void update(double elapsed_minutes);

 private:
  store::RunStore& rs_;
  std::string job_;
  std::string metric_;
  sweep::SweepBudget budget_;
  JobProgress line_;
  std::chrono::steady_clock::time_point last_read_{};
};

}  // namespace autodet
