#include "store/sqlite_store.h"

#include <mutex>

#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include "core/fs.h"
#include "core/log.h"
#include "store/job_name.h"
#include "store/schema_migrations.h"
#include "store/sqlite_db.h"
#include "store/sqlite_schema.h"

namespace autodet::store {
namespace {

RunStatus status_column(const Query& q, int col, const std::string& db_path) {
  auto s = parse_run_status(q.text(col));
  if (!s) throw StoreError(Location{db_path, 0, "", ""}, "unknown status '" + q.text(col) + "' in the run store");
  return *s;
}

JobRecord read_job(const Query& q, const std::string& db_path) {
  JobRecord j;
  j.name = q.text(0);
  j.experiment_name = q.text(1);
  j.display_name = q.text(2);
  j.description = q.text(3);
  j.task = q.text(4);
  j.spec = q.text(5);
  j.tags = q.text(6);
  j.status = status_column(q, 7, db_path);
  j.message = q.text(8);
  j.times = {q.text(9), q.text(10), q.text(11), q.text(12)};
  j.skipped_images = q.text(13);
  j.owner = q.text(14);
  j.heartbeat = q.text(15);
  return j;
}

TrialRecord read_trial(const Query& q, const std::string& db_path) {
  TrialRecord t;
  t.id = q.text(0);
  t.job = q.text(1);
  t.index = static_cast<int>(q.integer(2));
  t.parameters = q.text(3);
  t.status = status_column(q, 4, db_path);
  t.message = q.text(5);
  t.worker = q.text(6);
  t.times = {q.text(7), q.text(8), q.text(9), q.text(10)};
  t.config = q.text(11);
  t.stop_status = parse_run_status(q.text(12));
  t.stop_reason = q.text(13);
  return t;
}

// UsageError unless text is a JSON object.
void require_json_object(const std::string& text, const std::string& element, const std::string& field) {
  auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object())
    throw UsageError(Location{"", 0, element, field}, "must be a JSON object, got '" + text.substr(0, 60) + "'");
}

// UsageError unless text is a JSON array.
void require_json_array(const std::string& text, const std::string& element, const std::string& field) {
  auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_array())
    throw UsageError(Location{"", 0, element, field}, "must be a JSON array, got '" + text.substr(0, 60) + "'");
}

std::string transition_rule(RunStatus from) {
  if (is_final(from)) return to_string(from) + " is final";
  if (from == RunStatus::Queued) return "a queued run can only become running or canceled";
  return "a running run can become completed, failed, terminated, canceled or queued";
}

}  // namespace

struct SqliteStore::Impl {
  SqliteOptions options;
  std::mutex mutex;
  std::unique_ptr<SqliteDb> db;

  std::string now() const { return iso8601_utc(options.clock ? options.clock() : Clock::now()); }
  Location where() const { return Location{db->path(), 0, "", ""}; }

  bool exists(const char* sql, const std::string& key, const std::string& operation) {
    Query q(*db, sql, operation);
    q.bind(1, key);
    return q.step();
  }
  void require_job(const std::string& job, const std::string& operation) {
    if (!exists("SELECT 1 FROM job WHERE name = ?1", job, operation))
      throw NotFoundError(where(), "cannot " + operation + ": job '" + job + "' not found");
  }
  void require_trial(const std::string& trial, const std::string& operation) {
    if (!exists("SELECT 1 FROM trial WHERE id = ?1", trial, operation))
      throw NotFoundError(where(), "cannot " + operation + ": trial '" + trial + "' not found");
  }

  // Checks and applies a status change of a job or trial in one transaction.
  void change_status(const char* kind, const std::string& select_sql, const std::string& update_sql,
                     const std::string& key, RunStatus to, const std::string& message) {
    std::string operation = std::string("set the status of ") + kind + " '" + key + "'";
    Transaction txn(*db, operation);
    RunStatus from;
    {
      Query q(*db, select_sql, operation);
      q.bind(1, key);
      if (!q.step()) throw NotFoundError(where(), "cannot " + operation + ": " + kind + " not found");
      from = status_column(q, 0, db->path());
    }
    if (!can_transition(from, to))
      throw ConflictError(where(), "cannot change " + std::string(kind) + " '" + key + "' from " + to_string(from) +
                                       " to " + to_string(to) + ": " + transition_rule(from));
    std::string t = now();
    Query u(*db, update_sql, operation);
    u.bind(1, to_string(to)).bind(2, message).bind(3, t);
    if (to == RunStatus::Running) u.bind(4, t); else u.bind_null(4);
    if (is_final(to)) u.bind(5, t); else u.bind_null(5);
    u.bind(6, key).run();
    txn.commit();
  }
};

SqliteStore::SqliteStore(const std::string& path, SqliteOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  if (fs_is_dir(path)) throw StoreError(Location{path, 0, "", ""}, "is a folder; the run store must be a file");
  if (!impl_->options.create && !fs_exists(path))
    throw NotFoundError(Location{path, 0, "", ""}, "no run store here (nothing has run in this workspace yet)");
  int flags = SQLITE_OPEN_READWRITE | (impl_->options.create ? SQLITE_OPEN_CREATE : 0);
  impl_->db = std::make_unique<SqliteDb>(path, flags, static_cast<int>(impl_->options.busy_timeout.count()));
  SqliteDb& db = *impl_->db;
  db.exec("PRAGMA foreign_keys = ON", "enable foreign keys");
  {
    Query q(db, "PRAGMA journal_mode = WAL", "switch the run store to WAL mode");
    if (q.step() && q.text(0) != "wal")
      log::warn("{}: SQLite WAL mode is unavailable here (journal mode {}); concurrent trials will wait for each other",
                path, q.text(0));
  }
  db.exec("PRAGMA synchronous = NORMAL", "set the synchronous mode");
  sqlite_migrate(db, impl_->now());
}

SqliteStore::~SqliteStore() = default;

int SqliteStore::latest_schema_version() { return sqlite_latest_schema_version(); }

int SqliteStore::schema_version() {
  std::lock_guard lock(impl_->mutex);
  return sqlite_schema_version(*impl_->db);
}

std::string SqliteStore::location() const { return impl_->db->path(); }

void SqliteStore::create_job(const JobRecord& job) {
  validate_job_name(job.name);
  require_json_object(job.spec, "job '" + job.name + "'", "spec");
  require_json_object(job.tags, "job '" + job.name + "'", "tags");
  if (is_final(job.status))
    throw UsageError(Location{"", 0, "job '" + job.name + "'", "status"}, "a new job must be queued or running");
  std::lock_guard lock(impl_->mutex);
  const std::string operation = "create job '" + job.name + "'";
  Transaction txn(*impl_->db, operation);
  {
    Query q(*impl_->db, "SELECT created_at FROM job WHERE name = ?1", operation);
    q.bind(1, job.name);
    if (q.step())
      throw ConflictError(impl_->where(), "cannot " + operation + ": a job with this name already exists (created " +
                                               q.text(0) + "); choose another name");
  }
  std::string t = impl_->now();
  Query q(*impl_->db,
          "INSERT INTO job (name, experiment_name, display_name, description, task, spec, tags, status, message, "
          "created_at, started_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?10)",
          operation);
  q.bind(1, job.name).bind(2, job.experiment_name).bind(3, job.display_name).bind(4, job.description);
  q.bind(5, job.task).bind(6, job.spec).bind(7, job.tags).bind(8, to_string(job.status)).bind(9, job.message);
  q.bind(10, t);
  if (job.status == RunStatus::Running) q.bind(11, t); else q.bind_null(11);
  q.run();
  txn.commit();
}

std::optional<JobRecord> SqliteStore::find_job(const std::string& name) {
  std::lock_guard lock(impl_->mutex);
  Query q(*impl_->db, std::string("SELECT ") + kJobColumns + " FROM job WHERE name = ?1", "read job '" + name + "'");
  q.bind(1, name);
  if (!q.step()) return std::nullopt;
  return read_job(q, impl_->db->path());
}

std::vector<JobRecord> SqliteStore::list_jobs() {
  std::lock_guard lock(impl_->mutex);
  Query q(*impl_->db, std::string("SELECT ") + kJobColumns + " FROM job ORDER BY created_at, rowid", "list jobs");
  std::vector<JobRecord> jobs;
  while (q.step()) jobs.push_back(read_job(q, impl_->db->path()));
  return jobs;
}

void SqliteStore::set_job_status(const std::string& job, RunStatus status, const std::string& message) {
  std::lock_guard lock(impl_->mutex);
  impl_->change_status("job", "SELECT status FROM job WHERE name = ?1",
                       "UPDATE job SET status = ?1, message = ?2, updated_at = ?3, "
                       "started_at = COALESCE(started_at, ?4), ended_at = ?5 WHERE name = ?6",
                       job, status, message);
}

void SqliteStore::set_job_tag(const std::string& job, const std::string& key, const std::string& value) {
  std::lock_guard lock(impl_->mutex);
  const std::string operation = "set tag '" + key + "' of job '" + job + "'";
  Transaction txn(*impl_->db, operation);
  nlohmann::json tags;
  {
    Query q(*impl_->db, "SELECT tags FROM job WHERE name = ?1", operation);
    q.bind(1, job);
    if (!q.step()) throw NotFoundError(impl_->where(), "cannot " + operation + ": job not found");
    tags = nlohmann::json::parse(q.text(0), nullptr, /*allow_exceptions=*/false);
  }
  if (!tags.is_object()) tags = nlohmann::json::object();
  tags[key] = value;
  Query u(*impl_->db, "UPDATE job SET tags = ?1, updated_at = ?2 WHERE name = ?3", operation);
  u.bind(1, tags.dump()).bind(2, impl_->now()).bind(3, job).run();
  txn.commit();
}

void SqliteStore::set_job_skipped_images(const std::string& job, const std::string& json_array) {
  require_json_array(json_array, "job '" + job + "'", "skipped_images");
  std::lock_guard lock(impl_->mutex);
  const std::string operation = "record the skipped images of job '" + job + "'";
  Query u(*impl_->db, "UPDATE job SET skipped_images = ?1, updated_at = ?2 WHERE name = ?3", operation);
  u.bind(1, json_array).bind(2, impl_->now()).bind(3, job).run();
  if (impl_->db->changes() == 0) throw NotFoundError(impl_->where(), "cannot " + operation + ": job not found");
}

void SqliteStore::job_heartbeat(const std::string& job, const std::string& owner) {
  std::lock_guard lock(impl_->mutex);
  const std::string operation = "record a heartbeat of job '" + job + "'";
  Query u(*impl_->db, "UPDATE job SET owner = ?1, heartbeat_at = ?2 WHERE name = ?3", operation);
  u.bind(1, owner).bind(2, impl_->now()).bind(3, job).run();
  if (impl_->db->changes() == 0) throw NotFoundError(impl_->where(), "cannot " + operation + ": job not found");
}

std::string SqliteStore::create_trial(const std::string& job, const TrialRecord& trial) {
  require_json_object(trial.parameters, "trial of job '" + job + "'", "parameters");
  require_json_object(trial.config, "trial of job '" + job + "'", "config");
  if (is_final(trial.status))
    throw UsageError(Location{"", 0, "trial of job '" + job + "'", "status"}, "a new trial must be queued or running");
  std::lock_guard lock(impl_->mutex);
  const std::string operation = "add a trial to job '" + job + "'";
  Transaction txn(*impl_->db, operation);
  impl_->require_job(job, operation);
  int index = 0;
  {
    Query q(*impl_->db, "SELECT COALESCE(MAX(idx) + 1, 0) FROM trial WHERE job = ?1", operation);
    q.bind(1, job);
    q.step();
    index = static_cast<int>(q.integer(0));
  }
  std::string id = job + "_" + std::to_string(index);
  std::string t = impl_->now();
  Query q(*impl_->db,
          "INSERT INTO trial (id, job, idx, parameters, status, message, created_at, started_at, heartbeat_at, config) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?7, ?9)",
          operation);
  q.bind(1, id).bind(2, job).bind(3, index).bind(4, trial.parameters).bind(5, to_string(trial.status));
  q.bind(6, trial.message).bind(7, t);
  if (trial.status == RunStatus::Running) q.bind(8, t); else q.bind_null(8);
  q.bind(9, trial.config);
  q.run();
  txn.commit();
  return id;
}

std::optional<TrialRecord> SqliteStore::find_trial(const std::string& trial) {
  std::lock_guard lock(impl_->mutex);
  Query q(*impl_->db, std::string("SELECT ") + kTrialColumns + " FROM trial WHERE id = ?1",
          "read trial '" + trial + "'");
  q.bind(1, trial);
  if (!q.step()) return std::nullopt;
  return read_trial(q, impl_->db->path());
}

std::vector<TrialRecord> SqliteStore::list_trials(const std::string& job) {
  std::lock_guard lock(impl_->mutex);
  const std::string operation = "list the trials of job '" + job + "'";
  impl_->require_job(job, operation);
  Query q(*impl_->db, std::string("SELECT ") + kTrialColumns + " FROM trial WHERE job = ?1 ORDER BY idx", operation);
  q.bind(1, job);
  std::vector<TrialRecord> trials;
  while (q.step()) trials.push_back(read_trial(q, impl_->db->path()));
  return trials;
}

void SqliteStore::set_trial_status(const std::string& trial, RunStatus status, const std::string& message) {
  std::lock_guard lock(impl_->mutex);
  impl_->change_status("trial", "SELECT status FROM trial WHERE id = ?1",
                       "UPDATE trial SET status = ?1, message = ?2, heartbeat_at = ?3, "
                       "started_at = COALESCE(started_at, ?4), ended_at = ?5 WHERE id = ?6",
                       trial, status, message);
}

std::optional<TrialRecord> SqliteStore::claim_trial(const std::string& job, const std::string& worker) {
  std::lock_guard lock(impl_->mutex);
  const std::string operation = "claim a queued trial of job '" + job + "'";
  Transaction txn(*impl_->db, operation);  // BEGIN IMMEDIATE: one writer at a time, so one claimer
  std::string id;
  {
    Query q(*impl_->db, "SELECT id FROM trial WHERE job = ?1 AND status = 'queued' ORDER BY idx LIMIT 1", operation);
    q.bind(1, job);
    if (!q.step()) return std::nullopt;
    id = q.text(0);
  }
  const std::string t = impl_->now();
  Query u(*impl_->db,
          "UPDATE trial SET status = 'running', worker = ?1, heartbeat_at = ?2, started_at = COALESCE(started_at, ?2), "
          "ended_at = NULL WHERE id = ?3",
          operation);
  u.bind(1, worker).bind(2, t).bind(3, id).run();
  Query r(*impl_->db, std::string("SELECT ") + kTrialColumns + " FROM trial WHERE id = ?1", operation);
  r.bind(1, id);
  r.step();
  TrialRecord claimed = read_trial(r, impl_->db->path());
  txn.commit();
  return claimed;
}

void SqliteStore::request_trial_stop(const std::string& trial, RunStatus status, const std::string& reason) {
  std::lock_guard lock(impl_->mutex);
  const std::string operation = "ask trial '" + trial + "' to stop";
  impl_->require_trial(trial, operation);
  Query u(*impl_->db,
          "UPDATE trial SET stop_status = ?1, stop_reason = ?2 WHERE id = ?3 AND stop_status = '' "
          "AND status IN ('queued', 'running')",
          operation);
  u.bind(1, to_string(status)).bind(2, reason).bind(3, trial).run();
}

void SqliteStore::heartbeat(const std::string& trial, const std::string& worker) {
  std::lock_guard lock(impl_->mutex);
  const std::string operation = "record a heartbeat of trial '" + trial + "'";
  Query q(*impl_->db,
          "UPDATE trial SET heartbeat_at = ?1, worker = CASE WHEN ?2 = '' THEN worker ELSE ?2 END WHERE id = ?3",
          operation);
  q.bind(1, impl_->now()).bind(2, worker).bind(3, trial).run();
  if (impl_->db->changes() == 0) throw NotFoundError(impl_->where(), "cannot " + operation + ": trial not found");
}

std::vector<TrialRecord> SqliteStore::stale_trials(std::chrono::seconds max_age) {
  std::lock_guard lock(impl_->mutex);
  Clock::time_point now = impl_->options.clock ? impl_->options.clock() : Clock::now();
  Query q(*impl_->db,
          std::string("SELECT ") + kTrialColumns +
              " FROM trial WHERE status = 'running' AND heartbeat_at < ?1 ORDER BY job, idx",
          "find trials without a recent heartbeat");
  q.bind(1, iso8601_utc(now - max_age));
  std::vector<TrialRecord> trials;
  while (q.step()) trials.push_back(read_trial(q, impl_->db->path()));
  return trials;
}

void SqliteStore::record_epoch_metrics(const std::string& trial, int epoch,
                                       const std::map<std::string, double>& values) {
  const std::string operation = "record epoch " + std::to_string(epoch) + " metrics of trial '" + trial + "'";
  if (epoch < 0) throw UsageError(Location{"", 0, "trial '" + trial + "'", "epoch"}, "epoch must be >= 0");
  for (const auto& [name, _] : values)
    if (name.empty()) throw UsageError(Location{"", 0, "trial '" + trial + "'", "metrics"}, "empty metric name");
  std::lock_guard lock(impl_->mutex);
  Transaction txn(*impl_->db, operation);
  impl_->require_trial(trial, operation);
  std::string t = impl_->now();
  for (const auto& [name, value] : values) {
    Query q(*impl_->db,
            "INSERT INTO metric (trial, name, epoch, value, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5) "
            "ON CONFLICT (trial, name, epoch) DO UPDATE SET value = excluded.value, recorded_at = excluded.recorded_at",
            operation);
    q.bind(1, trial).bind(2, name).bind(3, epoch).bind(4, value).bind(5, t).run();
  }
  Query h(*impl_->db, "UPDATE trial SET heartbeat_at = ?1 WHERE id = ?2", operation);
  h.bind(1, t).bind(2, trial).run();
  txn.commit();
}

MetricHistory SqliteStore::metric_history(const std::string& trial) {
  std::lock_guard lock(impl_->mutex);
  const std::string operation = "read the metrics of trial '" + trial + "'";
  impl_->require_trial(trial, operation);
  Query q(*impl_->db, "SELECT name, epoch, value FROM metric WHERE trial = ?1 ORDER BY name, epoch", operation);
  q.bind(1, trial);
  MetricHistory h;
  while (q.step()) h[q.text(0)].push_back({static_cast<int>(q.integer(1)), q.real(2)});
  return h;
}

void SqliteStore::record_artifact(const std::string& trial, const std::string& kind, const std::string& path) {
  if (kind.empty()) throw UsageError(Location{"", 0, "trial '" + trial + "'", "artifact kind"}, "must not be empty");
  std::lock_guard lock(impl_->mutex);
  const std::string operation = "record the " + kind + " artefact of trial '" + trial + "'";
  Transaction txn(*impl_->db, operation);
  impl_->require_trial(trial, operation);
  Query q(*impl_->db,
          "INSERT INTO artifact (trial, kind, path, recorded_at) VALUES (?1, ?2, ?3, ?4) "
          "ON CONFLICT (trial, kind) DO UPDATE SET path = excluded.path, recorded_at = excluded.recorded_at",
          operation);
  q.bind(1, trial).bind(2, kind).bind(3, path).bind(4, impl_->now()).run();
  txn.commit();
}

std::map<std::string, std::string> SqliteStore::artifacts(const std::string& trial) {
  std::lock_guard lock(impl_->mutex);
  const std::string operation = "read the artefacts of trial '" + trial + "'";
  impl_->require_trial(trial, operation);
  Query q(*impl_->db, "SELECT kind, path FROM artifact WHERE trial = ?1 ORDER BY kind", operation);
  q.bind(1, trial);
  std::map<std::string, std::string> out;
  while (q.step()) out[q.text(0)] = q.text(1);
  return out;
}

std::optional<BestTrial> SqliteStore::best_trial_by(const std::string& job, const std::string& metric) {
  std::lock_guard lock(impl_->mutex);
  const std::string operation = "find the best trial of job '" + job + "'";
  impl_->require_job(job, operation);
  BestTrial best;
  {
    Query q(*impl_->db,
            "SELECT t.id, MAX(m.value) AS best FROM trial t JOIN metric m ON m.trial = t.id "
            "WHERE t.job = ?1 AND t.status <> 'failed' AND m.name = ?2 AND m.value IS NOT NULL "
            "GROUP BY t.id, t.idx ORDER BY best DESC, t.idx ASC LIMIT 1",
            operation);
    q.bind(1, job).bind(2, metric);
    if (!q.step()) return std::nullopt;
    best.trial = q.text(0);
    best.value = q.real(1);
  }
  Query q(*impl_->db, "SELECT MAX(epoch) FROM metric WHERE trial = ?1 AND name = ?2 AND value = ?3", operation);
  q.bind(1, best.trial).bind(2, metric).bind(3, best.value);
  q.step();
  best.epoch = static_cast<int>(q.integer(0));
  return best;
}

}  // namespace autodet::store
