#include "automl/local_executor.h"

#include <signal.h>

#include <algorithm>

#include "automl/trial_launch.h"
#include "core/error.h"

namespace autodet {

LocalExecutor::LocalExecutor(store::RunStore& rs, store::Workspace ws, std::string job, std::string executable)
    : rs_(rs), ws_(std::move(ws)), job_(std::move(job)), exe_(std::move(executable)) {}

std::string LocalExecutor::describe() const { return "child processes on this machine"; }

void LocalExecutor::launch(const TrialLaunch& t) {
  if (t.ranks != 1) throw NotSupportedError("a trial over several ranks cannot run locally yet");
  rs_.set_trial_status(t.trial.id, store::RunStatus::Running);
  Child c{t.trial.id, {}};
  try {
    c.process = start_trial_process(exe_, ws_, job_, t.trial.id, t.threads);
  } catch (const std::exception& e) {
    rs_.set_trial_status(t.trial.id, store::RunStatus::Failed, e.what());
    throw;
  }
  rs_.heartbeat(t.trial.id, worker_name(c.process.pid()));
  children_.push_back(std::move(c));
}

std::vector<std::string> LocalExecutor::poll() {
  std::vector<std::string> ended;
  for (auto it = children_.begin(); it != children_.end();) {
    const auto e = it->process.poll();
    if (!e) {
      ++it;
      continue;
    }
    settle_trial(rs_, it->trial, *e, trial_log_path(ws_, job_, it->trial));
    ended.push_back(it->trial);
    it = children_.erase(it);
  }
  return ended;
}

void LocalExecutor::signal(const std::string& trial, TrialSignal s) {
  for (const auto& c : children_)
    if (c.trial == trial) c.process.signal(s == TrialSignal::Stop ? SIGTERM : s == TrialSignal::Interrupt ? SIGINT : SIGKILL);
}

void LocalExecutor::collect() {
  for (auto& c : children_) c.process.wait();  // every trial was asked to end; they do within the grace time
}

}  // namespace autodet
