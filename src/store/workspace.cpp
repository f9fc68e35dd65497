#include "store/workspace.h"

#include "core/error.h"
#include "core/fs.h"
#include "store/job_name.h"
#include "store/sqlite_store.h"

namespace autodet::store {

Workspace::Workspace(std::string root) : root_(root.empty() ? std::string(kDefaultWorkspace) : std::move(root)) {}

std::string Workspace::database_path() const { return join_path(root_, "autodet.db"); }

std::string Workspace::jobs_dir() const { return join_path(root_, "jobs"); }

std::string Workspace::job_dir(const std::string& job) const {
  validate_job_name(job);
  return join_path(jobs_dir(), job);
}

std::string Workspace::trial_dir(const std::string& job, const std::string& trial) const {
  std::string dir = join_path(job_dir(job), "trials");
  validate_job_name(trial);
  if (trial.rfind(job + "_", 0) != 0)
    throw UsageError(Location{"", 0, "trial '" + trial + "'", ""}, "is not a trial of job '" + job + "'");
  return join_path(dir, trial);
}

std::string Workspace::best_model_dir(const std::string& job) const { return join_path(job_dir(job), "best_model"); }

bool Workspace::has_store() const { return fs_exists(database_path()); }

std::unique_ptr<RunStore> open_run_store(const Workspace& ws, bool create) {
  if (create) {
    if (fs_exists(ws.root()) && !fs_is_dir(ws.root()))
      throw StoreError(Location{ws.root(), 0, "", ""}, "the workspace must be a folder, but this is a file");
    make_dirs(ws.jobs_dir());
  }
  SqliteOptions options;
  options.create = create;
  return std::make_unique<SqliteStore>(ws.database_path(), options);
}

}  // namespace autodet::store
