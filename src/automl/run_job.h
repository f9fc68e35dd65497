#pragma once
// Runs a job file end to end on this machine: parse and check the job, read the data, record
// the job and its trials in the workspace's run store, train, and publish the best model at
// WORKSPACE/jobs/JOB/best_model/. A single run trains in this process; a manual sweep or AutoMode
// runs the trial scheduler (sweep_runner.h), which starts one `--trial` process per trial
// (run_trial). Also resumes a job whose process was killed or interrupted.
#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "store/run_store.h"
#include "train/trainer.h"

namespace autodet {

struct RunJobOptions {
  std::string workspace = "./autodet-workspace";
  std::vector<std::string> overrides;     // --set key=value, applied in order
  std::optional<std::string> compute;     // --compute: replaces the job file's compute
  // --image-root remaps (prefix, folder; "" prefix: any remote URL) for the job's data; a
  // resumed job keeps its own unless new ones are given.
  std::vector<std::pair<std::string, std::string>> image_roots;
  const std::atomic<bool>* stop = nullptr;  // set by Ctrl-C: stop after the current batch (resumable)
  const std::atomic<bool>* terminate = nullptr;  // trials: set by SIGTERM from the scheduler (ends the trial)
  bool progress = true;                   // progress lines on stderr
  int threads = 0;                        // CPU threads (0: every core); a sweep divides them among its trials
  bool dry_run = false;                   // print the plan (trials, configurations, estimated minutes), train nothing
  // Called once a single-run job and its data are checked, before anything is recorded or trained
  // (the CLI restarts the process there with the OpenMP settings training needs).
  std::function<void()> before_training;
  // Called instead for a sweep or AutoMode (its scheduler trains nothing itself).
  std::function<void()> before_sweep;
};

struct RunJobResult {
  std::string job;
  std::string trial;           // the single run's trial, or a sweep's best trial
  std::string best_model_dir;  // "" when the run was interrupted or left no model
  TrainResult train;           // a single run's training; for sweeps best_score is the best trial's metric
  int trials = 1;
  bool sweep = false;
  bool planned_only = false;   // dry run
};

RunJobResult run_job_file(const std::string& job_yaml, const RunJobOptions& options);
// Continues the job's unfinished trial from its last completed epoch, or a sweep's scheduler.
RunJobResult resume_job(const std::string& job, const RunJobOptions& options);

// One trial of a sweep, in its own process (`autodet train --trial`): trains the trial the
// scheduler recorded, resuming from its checkpoint when there is one. Exit codes in sweep_runner.h.
RunJobResult run_trial(const std::string& trial, const RunJobOptions& options);

}  // namespace autodet
