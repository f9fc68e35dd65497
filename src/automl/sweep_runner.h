#pragma once
// The trial scheduler of manual sweeps and AutoMode. Runs in the `autodet train` process and
// trains nothing itself: it proposes trials (trial_source.h), records each in the run store
// (queued, with its parameters and how it was proposed) before starting it, has its trial
// executor run each (trial_executor.h: child processes here with the machine's threads divided
// among max_concurrent_trials, or Slurm workers), watches the store for the primary metric each
// evaluation, applies the early-termination policy and the time limits through stop requests
// in the store and the executor's signals, and keeps the
// job's best trial (tag automl_best_child_run_id, WORKSPACE/jobs/JOB/best_model/). All its state
// is in the store, so a scheduler that was killed is continued by resume_sweep_job().
#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "automl/job_spec.h"
#include "automl/trial_source.h"
#include "store/run_store.h"

namespace autodet {

// How the scheduler runs.
struct SweepOptions {
  std::string workspace = "./autodet-workspace";
  std::string executable;                   // the autodet binary for trial processes; "" = this program
  const std::atomic<bool>* stop = nullptr;  // Ctrl-C: interrupt the trials (resumable) and return
  int threads = 0;                          // CPU threads to divide among concurrent trials; 0 = every core
  double poll_seconds = 0.5;                // how often the store and the processes are checked
  double kill_grace_seconds = 30;           // a signalled trial that has not ended by then is killed
};

// What a sweep did.
struct SweepResult {
  std::string job;
  int trials = 0;
  std::optional<store::BestTrial> best;
  std::string metric;          // what ranked the trials (store::ranking_metric)
  std::string best_model_dir;  // "" when no trial left a model
  bool interrupted = false;
};

// Records a new sweep or AutoMode job (spec parsed and checked; saved as saved_job() says, the
// file's text copied to the job folder) and runs it.
SweepResult run_sweep_job(const JobSpec& spec, const std::string& job_yaml_text, const nlohmann::json& saved,
                          const SweepOptions& options);
// Continues a sweep whose scheduler ended early: finished trials stay, running ones whose process
// is gone go back to the queue (they resume from their last completed epoch), queued ones start,
// and the trial source continues from the trials in the store.
SweepResult resume_sweep_job(const std::string& job, const SweepOptions& options);

// The job's trials as trial sources see them.
std::vector<PastTrial> past_trials(store::RunStore& store, const std::string& job);

// Prints what a job would run without training (autodet train --dry-run), to stdout.
void print_job_plan(const JobSpec& spec, const SweepOptions& options);

// Exit codes of `autodet train --trial`.
inline constexpr int kTrialExitStopped = 3;       // stopped on request (SIGTERM); its package is written
inline constexpr int kTrialExitInterrupted = 130;  // interrupted (SIGINT); resumable, back in the queue

}  // namespace autodet
