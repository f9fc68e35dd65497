#include "automl/trial_executor.h"

#include "automl/job_spec.h"
#include "automl/local_executor.h"
#include "automl/slurm_executor.h"
#include "automl/sweep_runner.h"
#include "automl/trial_process.h"
#include "core/error.h"
#include "core/run_command.h"
#include "store/store_url.h"

namespace autodet {

void check_compute(const JobSpec& spec, const store::Workspace& ws) {
  if (spec.compute_target.kind == ComputeTarget::Kind::Local) return;
  if (!store::is_postgres_url(ws.store_url()))
    throw UsageError(Location{spec.source_file, 0, "", "compute"},
                     "compute: " + spec.compute + " needs a run store that every node can reach: give --store "
                     "postgresql://user@host:port/database or write that URL into " + ws.store_url_path() +
                     " (the workspace's SQLite file cannot be shared safely between machines)");
  const CommandOutput v = run_command({"sinfo", "-h", "-o", "%P"});
  if (!v.ok())
    throw UsageError(Location{spec.source_file, 0, "", "compute"},
                     "compute: " + spec.compute + " needs a Slurm cluster this machine can submit to (sbatch, sinfo and "
                     "squeue on PATH, and $SLURM_CONF or /etc/slurm/slurm.conf): sinfo says: " + v.output.substr(0, 300));
}

std::unique_ptr<TrialExecutor> make_trial_executor(const JobSpec& spec, const SweepOptions& o, store::RunStore& rs,
                                                   const store::Workspace& ws, int threads_per_trial) {
  const std::string exe = o.executable.empty() ? self_executable() : o.executable;
  if (spec.compute_target.kind == ComputeTarget::Kind::Local) return std::make_unique<LocalExecutor>(rs, ws, spec.name, exe);
  check_compute(spec, ws);
  return std::make_unique<SlurmExecutor>(rs, ws, spec.name, exe, spec.compute_target, spec.slurm,
                                         spec.limits.max_concurrent_trials, threads_per_trial, o.poll_seconds);
}

}  // namespace autodet
