#pragma once
// Where the sweep scheduler's trials run. The scheduler decides which trials run and when to stop
// them; an executor makes a queued trial run (launch), reports the trials that have ended
// (poll), passes stop requests on (signal) and releases what it holds at the end (collect).
// LocalExecutor runs each trial as a child process of this one; SlurmExecutor runs them on
// workers of a Slurm job array that claim trials from the shared run store.
#include <memory>
#include <string>
#include <vector>

#include "store/run_store.h"
#include "store/workspace.h"

namespace autodet {

struct JobSpec;
struct SweepOptions;

// One trial to run.
struct TrialLaunch {
  store::TrialRecord trial;  // recorded queued in the run store
  int threads = 1;           // CPU threads for its training
  // Processes (ranks) of one data-parallel trial; executors accept 1 today.
  int ranks = 1;
};

// How the scheduler asks a running trial to end.
enum class TrialSignal {
  Stop,       // end it now, keeping its best epoch; the store's stop request says with which status
  Interrupt,  // stop after the current batch and put it back in the queue (resumable)
  Kill,       // it did not answer: end it at once
};

class TrialExecutor {
 public:
  virtual ~TrialExecutor() = default;
  // What runs the trials, for the log ("2 Slurm workers on partition debug").
  virtual std::string describe() const = 0;
  // Makes a queued trial run.
  virtual void launch(const TrialLaunch& t) = 0;
  // The trials launched here that have ended since the last call; the store holds their final
  // status (or queued, for one that was interrupted).
  virtual std::vector<std::string> poll() = 0;
  virtual void signal(const std::string& trial, TrialSignal s) = 0;
  // After the last trial (or an interruption): releases workers and allocations.
  virtual void collect() = 0;
};

// UsageError unless the job's compute can run here: for Slurm, a PostgreSQL run store (every node
// must reach it) and a cluster that answers. Checked before a job is recorded.
void check_compute(const JobSpec& spec, const store::Workspace& ws);

// The executor the job's compute asks for, running trials with threads_per_trial CPU threads
// unless the job says otherwise. A Slurm executor needs a run store every worker can reach
// (PostgreSQL): UsageError for the workspace's SQLite file.
std::unique_ptr<TrialExecutor> make_trial_executor(const JobSpec& spec, const SweepOptions& options,
                                                   store::RunStore& rs, const store::Workspace& ws,
                                                   int threads_per_trial);

}  // namespace autodet
