#pragma once
// Workers on other machines read and write the same workspace as the scheduler (job file,
// checkpoints, model packages), so it must be on a filesystem every node shares. The scheduler
// writes a marker file with a fresh token into the job's folder; each worker checks it sees that
// file with that token before it claims a trial, and fails clearly when it does not.
#include <string>

#include "store/workspace.h"

namespace autodet {

// WORKSPACE/jobs/JOB/slurm/ (the workers' script, logs and the marker).
std::string slurm_dir(const store::Workspace& ws, const std::string& job);
// Writes the marker with a new random token and returns the token.
std::string write_workspace_marker(const store::Workspace& ws, const std::string& job);
// UsageError, naming the host, the workspace and the marker, unless the marker holds token.
void check_workspace_marker(const store::Workspace& ws, const std::string& job, const std::string& token);

}  // namespace autodet
