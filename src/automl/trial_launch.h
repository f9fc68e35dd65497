#pragma once
// Starting a trial's own process (`autodet train --trial ID`) and settling the trial's status once
// that process has ended. Shared by the executors that run trials as child processes: the local
// one (children of `autodet train`) and a Slurm worker (children of `autodet worker`).
#include <string>
#include <utility>
#include <vector>

#include "automl/trial_process.h"
#include "store/run_store.h"
#include "store/workspace.h"

namespace autodet {

// The environment variable through which a worker names itself in its trials' heartbeats.
inline constexpr const char* kWorkerNameEnv = "AUTODET_WORKER_NAME";

// The OpenMP setting of trial processes: a short spin at barriers, as `autodet train` uses
// (docs/training.md, CPU threads), unless the user chose a policy for this process.
std::vector<std::pair<std::string, std::string>> trial_omp_env();

// WORKSPACE/jobs/JOB/trials/TRIAL/trial.log.
std::string trial_log_path(const store::Workspace& ws, const std::string& job, const std::string& trial);

// Starts the trial's process with `threads` CPU threads, its output appended to its log.
// worker: the name its heartbeats carry ("" = the process's own host:pid).
ChildProcess start_trial_process(const std::string& executable, const store::Workspace& ws, const std::string& job,
                                 const std::string& trial, int threads, const std::string& worker = "");

// The name this process reports in heartbeats: $AUTODET_WORKER_NAME, else host:pid.
std::string reported_worker_name();

// After the trial's process ended: it records completed, failed or queued (interrupted) itself; a
// trial still running was either asked to stop (it ends as its stop request says) or died without
// saying (failed, with how it ended and where its log is). Returns the trial as it now stands.
store::TrialRecord settle_trial(store::RunStore& rs, const std::string& trial, const ExitStatus& how,
                                const std::string& log_path);

}  // namespace autodet
