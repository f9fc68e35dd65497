#pragma once
// `autodet worker`: one worker of a sweep whose trials run elsewhere than the scheduler (a Slurm
// array task). It checks it sees the shared workspace, then claims queued trials from the run
// store one at a time (an atomic claim: no two workers get the same trial), runs each in its own
// process (`autodet train --trial`, which resumes from the trial's last checkpoint when it has
// one), heartbeats it, stops it when the store holds a stop request, and records how it ended.
// It leaves when the job has ended, or when it is told to stop (SIGTERM from scancel or a time
// limit: its trial goes back to the queue for another worker).
#include <atomic>
#include <string>

namespace autodet {

struct WorkerOptions {
  std::string workspace;
  std::string job;
  std::string marker;       // the token the scheduler wrote into the workspace (shared_workspace.h)
  int threads = 1;          // CPU threads of each trial
  std::string executable;   // autodet, for the trial processes; "" = this program
  const std::atomic<bool>* stop = nullptr;  // SIGTERM/SIGINT: interrupt the trial (resumable) and leave
  double poll_seconds = 1;       // how often the store is asked for work and stop requests
  double heartbeat_seconds = 2;  // how often a running trial's heartbeat is refreshed
};

// The worker's name in the store: "slurm-<job>_<task>@host:pid" under Slurm, else "host:pid".
std::string this_worker_name();

// Runs trials until none is left to run; returns how many this worker ran.
int run_worker(const WorkerOptions& options);

}  // namespace autodet
