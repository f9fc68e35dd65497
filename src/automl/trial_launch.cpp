#include "automl/trial_launch.h"

#include <cstdlib>

#include <fmt/format.h>

#include "core/fs.h"

namespace autodet {

std::vector<std::pair<std::string, std::string>> trial_omp_env() {
  if (std::getenv("OMP_WAIT_POLICY") || std::getenv("GOMP_SPINCOUNT")) return {};
  return {{"GOMP_SPINCOUNT", "20000"}};
}

std::string trial_log_path(const store::Workspace& ws, const std::string& job, const std::string& trial) {
  return join_path(ws.trial_dir(job, trial), "trial.log");
}

ChildProcess start_trial_process(const std::string& executable, const store::Workspace& ws, const std::string& job,
                                 const std::string& trial, int threads, const std::string& worker) {
  make_dirs(ws.trial_dir(job, trial));
  auto env = trial_omp_env();
  if (!worker.empty()) env.emplace_back(kWorkerNameEnv, worker);
  return ChildProcess::start(ProcessSpec{
      executable,
      {"train", "--trial", trial, "--workspace", ws.root(), "--threads", std::to_string(threads)},
      trial_log_path(ws, job, trial),
      env});
}

std::string reported_worker_name() {
  if (const char* w = std::getenv(kWorkerNameEnv); w && *w) return w;
  return worker_name();
}

store::TrialRecord settle_trial(store::RunStore& rs, const std::string& trial, const ExitStatus& how,
                                const std::string& log_path) {
  const store::TrialRecord t = rs.get_trial(trial);
  if (t.status == store::RunStatus::Running) {
    if (t.stop_status)
      rs.set_trial_status(trial, *t.stop_status, t.stop_reason);
    else
      rs.set_trial_status(trial, store::RunStatus::Failed,
                          fmt::format("the trial process ended without a result ({}); see {}", how.describe(), log_path));
  }
  return rs.get_trial(trial);
}

}  // namespace autodet
