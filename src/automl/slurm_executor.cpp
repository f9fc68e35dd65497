#include "automl/slurm_executor.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>

#include <fmt/format.h>

#include "automl/shared_workspace.h"
#include "automl/slurm_client.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/log.h"

namespace autodet {
namespace {

using store::RunStatus;

// Single-quoted for sh.
std::string quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// "slurm-123_4@host:pid" -> "123_4".
std::string slurm_id_of(const std::string& worker) {
  static const std::regex re(R"(^slurm-([0-9_]+)@)");
  std::smatch m;
  return std::regex_search(worker, m, re) ? m[1].str() : "";
}

}  // namespace

SlurmExecutor::SlurmExecutor(store::RunStore& rs, store::Workspace ws, std::string job, std::string executable,
                             ComputeTarget target, SlurmResources resources, int workers, int threads, double poll_seconds)
    : rs_(rs), ws_(std::move(ws)), job_(std::move(job)), exe_(std::move(executable)), target_(std::move(target)),
      res_(std::move(resources)), workers_(std::max(1, workers)), cpus_(res_.cpus_per_trial.value_or(std::max(1, threads))),
      poll_seconds_(poll_seconds) {}

std::string SlurmExecutor::describe() const {
  return fmt::format("{} Slurm worker{} ({} CPU{} each{})", workers_, workers_ == 1 ? "" : "s", cpus_, cpus_ == 1 ? "" : "s",
                     target_.partition.empty() ? "" : ", partition " + target_.partition);
}

std::string SlurmExecutor::write_script() const {
  const std::string dir = slurm_dir(ws_, job_);
  std::string s = "#!/bin/sh\n# autodet sweep workers of job " + job_ + " (written by autodet train; docs/scale-out.md)\n";
  s += "#SBATCH --job-name=autodet-" + job_ + "\n";
  s += "#SBATCH --output=" + join_path(dir, "worker-%A_%a.log") + "\n";
  s += "#SBATCH --chdir=" + ws_.root() + "\n";
  s += fmt::format("#SBATCH --ntasks={}\n#SBATCH --cpus-per-task={}\n", res_.ranks_per_trial, cpus_);
  if (!target_.partition.empty()) s += "#SBATCH --partition=" + target_.partition + "\n";
  if (res_.time_limit_minutes) s += fmt::format("#SBATCH --time={}\n", *res_.time_limit_minutes);
  if (!res_.memory_per_trial.empty()) s += "#SBATCH --mem=" + res_.memory_per_trial + "\n";
  if (res_.gpus_per_trial > 0) s += fmt::format("#SBATCH --gpus-per-task={}\n", res_.gpus_per_trial);
  for (const auto& a : res_.sbatch_args) s += "#SBATCH " + a + "\n";
  // exec: the worker is the batch script itself, so `scancel --batch` signals exactly it.
  s += "exec " + quoted(exe_) + " worker --workspace " + quoted(ws_.root()) + " --job " + quoted(job_) + " --marker " +
       quoted(token_) + fmt::format(" --threads {}\n", cpus_);
  return s;
}

void SlurmExecutor::submit_workers(int count) {
  if (count <= 0) return;
  if (script_.empty()) {
    token_ = write_workspace_marker(ws_, job_);
    script_ = join_path(slurm_dir(ws_, job_), "workers.sbatch");
    write_file_atomic(script_, write_script());
  }
  std::vector<std::string> args;
  if (slurm_jobs_.empty()) {
    args.push_back(fmt::format("--array=0-{}%{}", count - 1, count));
  } else {
    args.push_back(fmt::format("--array=0-{}", count - 1));
    args.push_back("--output=" + join_path(slurm_dir(ws_, job_), "worker-%A_%a.log"));
  }
  const std::string id = sbatch(script_, args);
  slurm_jobs_.push_back(id);
  submitted_ += count;
  log::info("job {}: submitted {} Slurm worker{} (job {}; logs in {})", job_, count, count == 1 ? "" : "s", id,
            slurm_dir(ws_, job_));
}

void SlurmExecutor::launch(const TrialLaunch& t) {
  if (t.ranks != 1) throw NotSupportedError("a trial over several ranks cannot run on Slurm yet");
  if (slurm_jobs_.empty()) submit_workers(workers_);
  launched_[t.trial.id] = Watch{t.trial.times.updated, Steady::now()};
}

std::vector<std::string> SlurmExecutor::poll() {
  std::vector<std::string> ended;
  if (launched_.empty()) return ended;
  const auto before = Steady::now();
  const auto trials = rs_.list_trials(job_);
  const auto now = Steady::now();
  // A scheduler that could not look for a while (the store was unreachable, this process was
  // stopped) saw no heartbeats in that time: it starts counting again rather than call workers lost.
  const double gap = std::chrono::duration<double>(now - (last_poll_ == Steady::time_point{} ? before : last_poll_)).count();
  if (gap > 3 * poll_seconds_ + 5)
    for (auto& [_, w] : launched_) w.changed = now;
  last_poll_ = now;
  for (const auto& t : trials) {
    auto it = launched_.find(t.id);
    if (it == launched_.end()) continue;
    Watch& w = it->second;
    if (store::is_final(t.status) || (interrupted_ && t.status == RunStatus::Queued)) {
      ended.push_back(t.id);
      launched_.erase(it);
      continue;
    }
    if (t.status == RunStatus::Queued || t.times.updated != w.heartbeat) {
      w.heartbeat = t.times.updated;
      w.changed = now;
      continue;
    }
    const double silent = std::chrono::duration<double>(now - w.changed).count();
    if (silent > res_.worker_lost_after_seconds) lost(t, silent, ended);
  }
  if (std::chrono::duration<double>(now - last_worker_check_).count() > 5) {
    last_worker_check_ = now;
    check_workers(ended);
  }
  return ended;
}

void SlurmExecutor::lost(const store::TrialRecord& t, double seconds, std::vector<std::string>& ended) {
  const std::string why = fmt::format("its worker {} was lost (no heartbeat for {:.0f} s)", t.worker, seconds);
  const std::string id = slurm_id_of(t.worker);
  if (!id.empty()) scancel({id}, /*batch_only=*/false);  // in case it hangs rather than died
  try {
    if (t.stop_status) {
      rs_.set_trial_status(t.id, *t.stop_status, t.stop_reason + "; " + why);
      ended.push_back(t.id);
      launched_.erase(t.id);
    } else {
      rs_.set_trial_status(t.id, RunStatus::Queued, why + "; another worker resumes it from its last checkpoint");
      launched_[t.id].changed = Steady::now();
      log::warn("trial {}: {}; back in the queue", t.id, why);
      submit_workers(1);
    }
  } catch (const store::ConflictError&) {  // it ended meanwhile: the next poll sees how
  }
}

std::string SlurmExecutor::worker_failure() const {
  // The newest worker log that ends with autodet's error line says why the workers stopped.
  std::string found;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(slurm_dir(ws_, job_), ec)) {
    if (entry.path().filename().string().rfind("worker-", 0) != 0) continue;
    std::ifstream in(entry.path());
    for (std::string line; std::getline(in, line);)
      if (line.rfind("autodet: ", 0) == 0 && line.find("error") != std::string::npos) found = line;
  }
  return found;
}

void SlurmExecutor::fail_waiting(const std::string& why, std::vector<std::string>& ended) {
  for (auto it = launched_.begin(); it != launched_.end();) {
    try {
      rs_.set_trial_status(it->first, RunStatus::Canceled, why);
    } catch (const store::ConflictError&) {
      try {
        rs_.set_trial_status(it->first, RunStatus::Failed, why);
      } catch (const store::ConflictError&) {
      }
    }
    ended.push_back(it->first);
    it = launched_.erase(it);
  }
}

void SlurmExecutor::check_workers(std::vector<std::string>& ended) {
  if (launched_.empty() || interrupted_) return;
  std::vector<std::string> alive;
  try {
    alive = squeue_by_name("autodet-" + job_);
  } catch (const std::exception& e) {
    log::warn("job {}: cannot list its Slurm workers ({}); trying again", job_, e.what());
    return;
  }
  if (!alive.empty()) return;
  if (const std::string failure = worker_failure(); !failure.empty()) {
    log::error("job {}: every Slurm worker has ended; the last said: {}", job_, failure);
    fail_waiting("the Slurm workers failed: " + failure, ended);
    return;
  }
  const int limit = workers_ + 2 * int(launched_.size()) + 4;
  if (submitted_ >= limit + workers_) {
    fail_waiting(fmt::format("the Slurm workers kept ending ({} submitted); see {}", submitted_, slurm_dir(ws_, job_)), ended);
    return;
  }
  log::warn("job {}: no Slurm worker is pending or running while trials wait; submitting {} more", job_, workers_);
  submit_workers(workers_);
}

void SlurmExecutor::signal(const std::string& trial, TrialSignal s) {
  if (s == TrialSignal::Stop) return;  // the stop request in the store is the signal; workers poll it
  if (s == TrialSignal::Interrupt) {
    if (!interrupted_) scancel(slurm_jobs_, /*batch_only=*/true);  // workers put their trials back in the queue
    interrupted_ = true;
    return;
  }
  const auto t = rs_.find_trial(trial);
  if (!t) return;
  const std::string id = slurm_id_of(t->worker);
  log::warn("trial {}: its worker did not stop it; cancelling Slurm job {}", trial, id.empty() ? "?" : id);
  if (!id.empty()) scancel({id}, /*batch_only=*/false);
  if (t->status == RunStatus::Running && t->stop_status) {
    try {
      rs_.set_trial_status(trial, *t->stop_status, t->stop_reason + "; its worker was cancelled");
    } catch (const store::ConflictError&) {
    }
  }
  if (t->status == RunStatus::Queued) {
    try {
      rs_.set_trial_status(trial, RunStatus::Canceled, t->stop_reason);
    } catch (const store::ConflictError&) {
    }
  }
}

void SlurmExecutor::collect() {
  // Every trial has ended (or gone back to the queue): the workers left are idle or pending.
  scancel(slurm_jobs_, /*batch_only=*/false);
}

}  // namespace autodet
