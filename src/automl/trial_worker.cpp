#include "automl/trial_worker.h"

#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include <fmt/format.h>

#include "automl/shared_workspace.h"
#include "automl/sweep_runner.h"
#include "automl/trial_launch.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/log.h"
#include "store/job_liveness.h"
#include "store/workspace.h"

namespace autodet {
namespace {

using store::RunStatus;
using Steady = std::chrono::steady_clock;

// A scheduler silent this long has died; its workers leave rather than wait for trials forever.
constexpr std::chrono::seconds kSchedulerGone{300};

double since(Steady::time_point t) { return std::chrono::duration<double>(Steady::now() - t).count(); }

bool stopping(const WorkerOptions& o) { return o.stop && o.stop->load(); }

// Why the worker should leave instead of waiting for a trial; "" to wait.
std::string reason_to_leave(store::RunStore& rs, const std::string& job) {
  const auto j = rs.find_job(job);
  if (!j) return "job " + job + " is not in the run store";
  if (store::is_final(j->status)) return "job " + job + " has ended (" + store::to_string(j->status) + ")";
  const auto beat = store::parse_iso8601_utc(j->heartbeat);
  if (!j->owner.empty() && beat && store::Clock::now() - *beat > kSchedulerGone)
    return "job " + job + "'s scheduler has been silent since " + j->heartbeat;
  return "";
}

class Worker {
 public:
  Worker(const WorkerOptions& o, store::RunStore& rs, store::Workspace ws)
      : o_(o), rs_(rs), ws_(std::move(ws)), name_(this_worker_name()),
        exe_(o.executable.empty() ? self_executable() : o.executable) {}

  int run() {
    log::info("worker {} for job {} (workspace {}, run store {})", name_, o_.job, ws_.root(), rs_.location());
    int ran = 0;
    while (!stopping(o_)) {
      if (const auto t = rs_.claim_trial(o_.job, name_)) {
        run_trial(*t);
        ++ran;
        continue;
      }
      if (const std::string why = reason_to_leave(rs_, o_.job); !why.empty()) {
        log::info("worker {}: {}; leaving after {} trial{}", name_, why, ran, ran == 1 ? "" : "s");
        return ran;
      }
      std::this_thread::sleep_for(std::chrono::duration<double>(o_.poll_seconds));
    }
    log::info("worker {}: asked to stop; leaving after {} trial{}", name_, ran, ran == 1 ? "" : "s");
    return ran;
  }

 private:
  void run_trial(const store::TrialRecord& t) {
    log::info("trial {}: claimed{}", t.id, t.times.started.empty() ? "" : " (resumes from its last checkpoint, if any)");
    const std::string log_path = trial_log_path(ws_, o_.job, t.id);
    ChildProcess child;
    try {
      child = start_trial_process(exe_, ws_, o_.job, t.id, o_.threads, name_);
    } catch (const std::exception& e) {
      rs_.set_trial_status(t.id, RunStatus::Failed, e.what());
      return;
    }
    auto last_beat = Steady::now(), last_look = Steady::now();
    bool asked_stop = false, interrupted = false;
    std::optional<ExitStatus> how;
    while (!(how = child.poll())) {
      if (stopping(o_) && !interrupted) {
        interrupted = true;
        child.signal(SIGINT);  // stops after the current batch; the trial puts itself back in the queue
      }
      if (since(last_beat) >= o_.heartbeat_seconds) {
        rs_.heartbeat(t.id, name_);
        last_beat = Steady::now();
      }
      if (!asked_stop && since(last_look) >= o_.poll_seconds) {
        last_look = Steady::now();
        const auto now = rs_.find_trial(t.id);
        if (now && now->stop_status) {
          asked_stop = true;
          log::info("trial {}: stopping ({}): {}", t.id, store::to_string(*now->stop_status), now->stop_reason);
          child.signal(SIGTERM);
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    const store::TrialRecord now = rs_.get_trial(t.id);
    if (stopping(o_) && now.status == RunStatus::Running && !now.stop_status) {
      // Slurm signalled the whole job (scancel, time limit): not the trial's fault.
      rs_.set_trial_status(t.id, RunStatus::Queued, "its worker " + name_ + " was stopped; it resumes from its last checkpoint");
    }
    const store::TrialRecord end = settle_trial(rs_, t.id, *how, log_path);
    log::info("trial {}: {}{}", t.id, store::to_string(end.status), end.message.empty() ? "" : " (" + end.message + ")");
  }

  const WorkerOptions& o_;
  store::RunStore& rs_;
  store::Workspace ws_;
  std::string name_;
  std::string exe_;
};

}  // namespace

std::string this_worker_name() {
  const char* array_job = std::getenv("SLURM_ARRAY_JOB_ID");
  const char* task = std::getenv("SLURM_ARRAY_TASK_ID");
  const char* job = std::getenv("SLURM_JOB_ID");
  if (array_job && task) return fmt::format("slurm-{}_{}@{}", array_job, task, worker_name());
  if (job) return fmt::format("slurm-{}@{}", job, worker_name());
  return worker_name();
}

int run_worker(const WorkerOptions& o) {
  store::Workspace ws(absolute_path(o.workspace));
  check_workspace_marker(ws, o.job, o.marker);
  auto rs = store::open_run_store(ws, /*create=*/false);
  return Worker(o, *rs, ws).run();
}

}  // namespace autodet
