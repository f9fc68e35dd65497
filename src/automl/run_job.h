#pragma once
// Runs a job file end to end on this machine: parse and check the job, read the data, record
// the job and its trial in the workspace's run store, train, and publish the best model at
// WORKSPACE/jobs/JOB/best_model/. Also resumes a job whose process was killed or interrupted.
#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "train/trainer.h"

namespace autodet {

struct RunJobOptions {
  std::string workspace = "./autodet-workspace";
  std::vector<std::string> overrides;     // --set key=value, applied in order
  const std::atomic<bool>* stop = nullptr;  // set by Ctrl-C: stop after the current batch
  bool progress = true;                   // progress lines on stderr
  // Called once the job and its data are checked, before anything is recorded or trained
  // (the CLI restarts the process there with the OpenMP settings training needs).
  std::function<void()> before_training;
};

struct RunJobResult {
  std::string job;
  std::string trial;
  std::string best_model_dir;  // "" when the run was interrupted
  TrainResult train;
};

RunJobResult run_job_file(const std::string& job_yaml, const RunJobOptions& options);
// Continues the job's unfinished trial from its last completed epoch.
RunJobResult resume_job(const std::string& job, const RunJobOptions& options);

}  // namespace autodet
