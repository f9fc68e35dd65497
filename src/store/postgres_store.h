#pragma once
// The run store on a PostgreSQL server, shared by a sweep's scheduler and its workers on other
// machines. The same schema and migrations as SQLite (schema_migrations.h); status changes and
// trial claims are single conditional statements (a claim uses FOR UPDATE SKIP LOCKED), so any
// number of processes may write at once. While the server is unreachable, calls wait and retry
// with back-off, and records (metrics, heartbeats, artefacts) are kept and written later
// (postgres_session.h). The URL's password never appears in location() or in messages.
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "store/run_store.h"
#include "store/timestamp.h"

namespace autodet::store {

// How PostgresStore connects.
struct PostgresOptions {
  bool create = true;  // create the tables when absent; otherwise NotFoundError
  // How long a call waits for an unreachable server; AUTODET_STORE_PATIENCE_SECONDS overrides it.
  std::chrono::seconds patience{600};
  std::function<Clock::time_point()> clock;  // "now" for timestamps; the system clock when empty
};

class PostgresStore : public RunStore {
 public:
  // url: postgresql://[user[:password]@]host[:port]/database[?options] (libpq's URL form).
  explicit PostgresStore(const std::string& url, PostgresOptions options = {});
  ~PostgresStore() override;
  PostgresStore(const PostgresStore&) = delete;
  PostgresStore& operator=(const PostgresStore&) = delete;

  // The schema version recorded in the database.
  int schema_version();
  // Records waiting for the server to come back.
  std::size_t kept_records();

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
