#pragma once
// Trials on a Slurm cluster (compute: slurm or slurm:<partition>). The trials wait as queued in
// the shared run store; max_concurrent_trials workers, started as one job array (`sbatch
// --array=0-(K-1)%K`), each run `autodet worker`, which claims a trial, runs it, heartbeats it and
// ends it as its stop request says (trial_worker.h). This side watches the store: a running trial
// whose heartbeat stops changing for worker_lost_after_seconds lost its worker; it goes back to
// the queue (another worker resumes it from its last checkpoint) and a replacement worker is
// submitted. Workers that do not answer a stop request are cancelled with scancel.
#include <chrono>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "automl/compute_target.h"
#include "automl/trial_executor.h"

namespace autodet {

class SlurmExecutor : public TrialExecutor {
 public:
  // workers: how many run at once (max_concurrent_trials); threads: CPUs per trial when the job
  // file does not say; poll_seconds: how often the scheduler calls poll().
  SlurmExecutor(store::RunStore& rs, store::Workspace ws, std::string job, std::string executable, ComputeTarget target,
                SlurmResources resources, int workers, int threads, double poll_seconds);
  std::string describe() const override;
  void launch(const TrialLaunch& t) override;
  std::vector<std::string> poll() override;
  void signal(const std::string& trial, TrialSignal s) override;
  void collect() override;

 private:
  using Steady = std::chrono::steady_clock;
  struct Watch {
    std::string heartbeat;  // as last seen
    Steady::time_point changed;
  };
  void submit_workers(int count);
  std::string write_script() const;
  void check_workers(std::vector<std::string>& ended);
  void lost(const store::TrialRecord& t, double seconds, std::vector<std::string>& ended);
  void fail_waiting(const std::string& why, std::vector<std::string>& ended);
  std::string worker_failure() const;

  store::RunStore& rs_;
  store::Workspace ws_;
  std::string job_;
  std::string exe_;
  ComputeTarget target_;
  SlurmResources res_;
  int workers_;
  int cpus_;
  double poll_seconds_;
  std::string token_;
  std::string script_;
  std::vector<std::string> slurm_jobs_;  // the array and any replacement workers
  int submitted_ = 0;
  std::map<std::string, Watch> launched_;  // trials launched and not yet ended
  Steady::time_point last_poll_{};
  Steady::time_point last_worker_check_{};
  bool interrupted_ = false;
};

}  // namespace autodet
