#pragma once
// The run store in one SQLite file (WAL mode, so several trial processes can write at once).
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "store/run_store.h"
#include "store/timestamp.h"

namespace autodet::store {

// How SqliteStore opens its file.
struct SqliteOptions {
  bool create = true;  // create the file when absent; otherwise NotFoundError
  // How long a write waits for another process's write to finish before giving up.
  std::chrono::milliseconds busy_timeout{30000};
  std::function<Clock::time_point()> clock;  // "now" for timestamps; the system clock when empty
};

// RunStore on SQLite. Opening creates or migrates the schema; a file that is not an autodet
// run store is refused with a StoreError. One object may be shared by threads (calls are
// serialised); other processes open their own.
class SqliteStore : public RunStore {
 public:
  explicit SqliteStore(const std::string& path, SqliteOptions options = {});
  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  // The schema version this build writes; the file's after opening.
  static int latest_schema_version();
  int schema_version();

  std::string location() const override;
  void create_job(const JobRecord& job) override;
  std::optional<JobRecord> find_job(const std::string& name) override;
  std::vector<JobRecord> list_jobs() override;
  void set_job_status(const std::string& job, RunStatus status, const std::string& message = "") override;
  void set_job_tag(const std::string& job, const std::string& key, const std::string& value) override;
  void set_job_skipped_images(const std::string& job, const std::string& json_array) override;
  void job_heartbeat(const std::string& job, const std::string& owner) override;
  std::string create_trial(const std::string& job, const TrialRecord& trial) override;
  std::optional<TrialRecord> find_trial(const std::string& trial) override;
  std::vector<TrialRecord> list_trials(const std::string& job) override;
  void set_trial_status(const std::string& trial, RunStatus status, const std::string& message = "") override;
  std::optional<TrialRecord> claim_trial(const std::string& job, const std::string& worker) override;
  void request_trial_stop(const std::string& trial, RunStatus status, const std::string& reason) override;
  void heartbeat(const std::string& trial, const std::string& worker) override;
  std::vector<TrialRecord> stale_trials(std::chrono::seconds max_age) override;
  void record_epoch_metrics(const std::string& trial, int epoch, const std::map<std::string, double>& values) override;
  MetricHistory metric_history(const std::string& trial) override;
  void record_artifact(const std::string& trial, const std::string& kind, const std::string& path) override;
  std::map<std::string, std::string> artifacts(const std::string& trial) override;
  std::optional<BestTrial> best_trial_by(const std::string& job, const std::string& metric) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace autodet::store
