#include "automl/shared_workspace.h"

#include <random>

#include <fmt/format.h>

#include "core/error.h"
#include "core/fs.h"
#include "core/process_owner.h"

namespace autodet {
namespace {

std::string marker_path(const store::Workspace& ws, const std::string& job) {
  return join_path(slurm_dir(ws, job), "workspace-marker");
}

}  // namespace

std::string slurm_dir(const store::Workspace& ws, const std::string& job) { return join_path(ws.job_dir(job), "slurm"); }

std::string write_workspace_marker(const store::Workspace& ws, const std::string& job) {
  std::random_device rd;
  const std::string token = fmt::format("{:08x}{:08x}", rd(), rd());
  make_dirs(slurm_dir(ws, job));
  write_file_atomic(marker_path(ws, job), token + "\n");
  return token;
}

void check_workspace_marker(const store::Workspace& ws, const std::string& job, const std::string& token) {
  const std::string path = marker_path(ws, job);
  const std::string seen = fs_exists(path) ? read_file(path) : "";
  if (seen.substr(0, seen.find('\n')) == token) return;
  throw UsageError(Location{path, 0, "", ""},
                   fmt::format("this worker (host {}) does not see the scheduler's marker file in the workspace {}{}: "
                               "the workspace must be on a filesystem that every node shares (e.g. NFS or Lustre); "
                               "see docs/scale-out.md",
                               host_name(), ws.root(), fs_exists(path) ? " (it holds another token: an older job's)" : ""));
}

}  // namespace autodet
