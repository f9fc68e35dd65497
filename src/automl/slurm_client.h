#pragma once
// The Slurm commands the scheduler needs, run as the user would (sbatch, squeue, scancel), with
// errors that quote what Slurm said. They find the cluster as the user's shell does ($SLURM_CONF
// or /etc/slurm).
#include <string>
#include <vector>

namespace autodet {

// sbatch --parsable ARGS SCRIPT: the new job's id ("123"). Error with sbatch's own words when it
// refuses (no such partition, no Slurm here, ...).
std::string sbatch(const std::string& script, const std::vector<std::string>& args);
// The ids ("123_0", "124") of this user's pending or running jobs called name; Error when squeue fails.
std::vector<std::string> squeue_by_name(const std::string& name);
// scancel IDS. batch_only: only SIGTERM to each job's batch script (the worker), which then stops
// its trial in order; otherwise the jobs are cancelled outright.
void scancel(const std::vector<std::string>& ids, bool batch_only);

}  // namespace autodet
