#include "store/workspace.h"

#include <cstdlib>

#include "core/error.h"
#include "core/fs.h"
#include "store/job_name.h"
#include "store/postgres_store.h"
#include "store/sqlite_store.h"
#include "store/store_url.h"

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

std::string Workspace::store_url_path() const { return join_path(root_, "store.url"); }

std::string Workspace::store_url() const {
  if (const char* env = std::getenv(kStoreEnv); env && *env) return env;
  if (!fs_exists(store_url_path())) return "";
  std::string text = read_file(store_url_path());
  text = text.substr(0, text.find('\n'));
  while (!text.empty() && (text.back() == '\r' || text.back() == ' ')) text.pop_back();
  return text;
}

bool Workspace::has_store() const { return !store_url().empty() || fs_exists(database_path()); }

std::unique_ptr<RunStore> open_run_store(const Workspace& ws, bool create) {
  if (create) {
    if (fs_exists(ws.root()) && !fs_is_dir(ws.root()))
      throw StoreError(Location{ws.root(), 0, "", ""}, "the workspace must be a folder, but this is a file");
    make_dirs(ws.jobs_dir());
  }
  const std::string url = ws.store_url();
  if (!url.empty()) {
    if (!is_postgres_url(url))
      throw UsageError(Location{std::getenv(kStoreEnv) ? std::string("--store") : ws.store_url_path(), 0, "", ""},
                       "'" + redact_url(url) + "' is not a run store URL; expected postgresql://user@host:port/database "
                       "(or no URL for the workspace's SQLite file)");
    PostgresOptions options;
    options.create = create;
    return std::make_unique<PostgresStore>(url, options);
  }
  SqliteOptions options;
  options.create = create;
  return std::make_unique<SqliteStore>(ws.database_path(), options);
}

}  // namespace autodet::store
