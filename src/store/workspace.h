#pragma once
// The workspace folder (`--workspace`, default ./autodet-workspace): the run store and every
// job's artefacts.
//   WORKSPACE/autodet.db                      the run store (SQLite, the default)
//   WORKSPACE/store.url                       optional: a server database's URL instead (postgresql://...)
//   WORKSPACE/jobs/JOB/                       one folder per job
//   WORKSPACE/jobs/JOB/trials/TRIAL/          one per trial (checkpoints, logs, exports)
//   WORKSPACE/jobs/JOB/best_model/            the best trial's model package
#include <memory>
#include <string>

#include "store/run_store.h"

namespace autodet::store {

inline constexpr const char* kDefaultWorkspace = "./autodet-workspace";

// Paths inside one workspace. Job names are checked (validate_job_name) before they become folders.
class Workspace {
 public:
  explicit Workspace(std::string root);

  const std::string& root() const { return root_; }
  std::string database_path() const;
  std::string jobs_dir() const;
  std::string job_dir(const std::string& job) const;
  // trial is the trial id ("<job>_<n>"), which must start with "<job>_".
  std::string trial_dir(const std::string& job, const std::string& trial) const;
  std::string best_model_dir(const std::string& job) const;
  // The file that may name a server database for this workspace (store.url).
  std::string store_url_path() const;
  // The server database this workspace uses: $AUTODET_STORE (set by --store), else the first
  // line of store.url; "" for the workspace's own SQLite file.
  std::string store_url() const;
  // True when the run store exists (something has run here), or a server database is named.
  bool has_store() const;

 private:
  std::string root_;
};

// Opens the workspace's run store, creating the folder, jobs/ and the store when create is true;
// otherwise NotFoundError when there is no store yet. The one place that picks the implementation:
// PostgresStore for a postgresql:// store_url(), SqliteStore otherwise.
std::unique_ptr<RunStore> open_run_store(const Workspace& ws, bool create = true);

}  // namespace autodet::store
