#include "store/postgres_store.h"

#include <cmath>
#include <cstdlib>
#include <mutex>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "store/job_name.h"
#include "store/schema_migrations.h"
#include "store/postgres_schema.h"
#include "store/postgres_session.h"
#include "store/store_url.h"

namespace autodet::store {
namespace {

RunStatus status_at(const PgResult& r, int row, int col, const std::string& where) {
  auto s = parse_run_status(r.text(row, col));
  if (!s) throw StoreError(Location{where, 0, "", ""}, "unknown status '" + r.text(row, col) + "' in the run store");
  return *s;
}

JobRecord read_job(const PgResult& r, int i, const std::string& where) {
  JobRecord j;
  j.name = r.text(i, 0);
  j.experiment_name = r.text(i, 1);
  j.display_name = r.text(i, 2);
  j.description = r.text(i, 3);
  j.task = r.text(i, 4);
  j.spec = r.text(i, 5);
  j.tags = r.text(i, 6);
  j.status = status_at(r, i, 7, where);
  j.message = r.text(i, 8);
  j.times = {r.text(i, 9), r.text(i, 10), r.text(i, 11), r.text(i, 12)};
  j.skipped_images = r.text(i, 13);
  j.owner = r.text(i, 14);
  j.heartbeat = r.text(i, 15);
  return j;
}

TrialRecord read_trial(const PgResult& r, int i, const std::string& where) {
  TrialRecord t;
  t.id = r.text(i, 0);
  t.job = r.text(i, 1);
  t.index = int(r.integer(i, 2));
  t.parameters = r.text(i, 3);
  t.status = status_at(r, i, 4, where);
  t.message = r.text(i, 5);
  t.worker = r.text(i, 6);
  t.times = {r.text(i, 7), r.text(i, 8), r.text(i, 9), r.text(i, 10)};
  t.config = r.text(i, 11);
  t.stop_status = parse_run_status(r.text(i, 12));
  t.stop_reason = r.text(i, 13);
  return t;
}

void require_json(const std::string& text, bool object, const std::string& element, const std::string& field) {
  auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || (object ? !j.is_object() : !j.is_array()))
    throw UsageError(Location{"", 0, element, field},
                     std::string("must be a JSON ") + (object ? "object" : "array") + ", got '" + text.substr(0, 60) + "'");
}

// A metric value as PostgreSQL reads it; NaN is stored as NULL, as SQLite does.
PgParam number(double v) {
  if (std::isnan(v)) return std::nullopt;
  if (std::isinf(v)) return std::string(v > 0 ? "Infinity" : "-Infinity");
  return fmt::format("{}", v);
}

// The statuses a run may come from to reach `to`, as a PostgreSQL text[] literal.
std::string sources_of(RunStatus to) {
  std::string out;
  for (RunStatus s : {RunStatus::Queued, RunStatus::Running, RunStatus::Completed, RunStatus::Failed,
                      RunStatus::Terminated, RunStatus::Canceled})
    if (can_transition(s, to)) out += (out.empty() ? "" : ",") + to_string(s);
  return "{" + out + "}";
}

std::string transition_rule(RunStatus from) {
  if (is_final(from)) return to_string(from) + " is final";
  if (from == RunStatus::Queued) return "a queued run can only become running or canceled";
  return "a running run can become completed, failed, terminated, canceled or queued";
}

std::chrono::seconds patience_of(const PostgresOptions& o) {
  if (const char* v = std::getenv("AUTODET_STORE_PATIENCE_SECONDS"); v && *v) return std::chrono::seconds(std::atol(v));
  return o.patience;
}

}  // namespace

struct PostgresStore::Impl {
  PostgresOptions options;
  std::string shown;
  std::mutex mutex;
  std::unique_ptr<PostgresSession> session;

  std::string now() const { return iso8601_utc(options.clock ? options.clock() : Clock::now()); }
  Location where() const { return Location{shown, 0, "", ""}; }

  template <class F>
  auto run(const std::string& operation, F&& f) {
    return session->run(operation, std::forward<F>(f));
  }

  bool exists(PgConnection& c, const char* sql, const std::string& key, const std::string& operation) {
    return c.exec(sql, {key}, operation).rows() > 0;
  }
  void require_job(PgConnection& c, const std::string& job, const std::string& operation) {
    if (!exists(c, "SELECT 1 FROM job WHERE name = $1", job, operation))
      throw NotFoundError(where(), "cannot " + operation + ": job '" + job + "' not found");
  }
  void require_trial(PgConnection& c, const std::string& trial, const std::string& operation) {
    if (!exists(c, "SELECT 1 FROM trial WHERE id = $1", trial, operation))
      throw NotFoundError(where(), "cannot " + operation + ": trial '" + trial + "' not found");
  }

  // One conditional UPDATE: the check and the change are atomic whoever else writes.
  void change_status(const char* kind, const char* table, const char* key_column, const char* time_column,
                     const std::string& key, RunStatus to, const std::string& message) {
    const std::string operation = std::string("set the status of ") + kind + " '" + key + "'";
    const std::string t = now();
    const std::string sql = fmt::format(
        "UPDATE {0} SET status = $1, message = $2, {1} = $3, started_at = COALESCE(started_at, $4), ended_at = $5 "
        "WHERE {2} = $6 AND status = ANY($7::text[])",
        table, time_column, key_column);
    int attempt = 0;
    run(operation, [&](PgConnection& c) {
      ++attempt;
      const PgResult u = c.exec(sql,
                                {to_string(to), message, t, to == RunStatus::Running ? PgParam(t) : std::nullopt,
                                 is_final(to) ? PgParam(t) : std::nullopt, key, sources_of(to)},
                                operation);
      if (u.affected() == 1) return 1;
      const PgResult s = c.exec(fmt::format("SELECT status FROM {} WHERE {} = $1", table, key_column), {key}, operation);
      if (s.rows() == 0) throw NotFoundError(where(), "cannot " + operation + ": " + kind + " not found");
      const RunStatus from = status_at(s, 0, 0, shown);
      if (attempt > 1 && from == to) return 1;  // the first attempt's change arrived before the connection broke
      throw ConflictError(where(), "cannot change " + std::string(kind) + " '" + key + "' from " + to_string(from) +
                                       " to " + to_string(to) + ": " + transition_rule(from));
    });
  }
};

PostgresStore::PostgresStore(const std::string& url, PostgresOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->shown = redact_url(url);
  RetryPolicy retry;
  retry.patience = patience_of(impl_->options);
  impl_->session = std::make_unique<PostgresSession>(url, impl_->shown, retry);
  const std::string t = impl_->now();
  const bool create = impl_->options.create;
  impl_->run("open the run store", [&](PgConnection& c) {
    postgres_migrate(c, t, create);
    return 0;
  });
}

PostgresStore::~PostgresStore() = default;

int PostgresStore::schema_version() {
  std::lock_guard lock(impl_->mutex);
  return impl_->run("read the schema version", [](PgConnection& c) { return postgres_schema_version(c); });
}

std::size_t PostgresStore::kept_records() {
  std::lock_guard lock(impl_->mutex);
  return impl_->session->kept();
}

std::string PostgresStore::location() const { return impl_->shown; }

void PostgresStore::create_job(const JobRecord& job) {
  validate_job_name(job.name);
  require_json(job.spec, true, "job '" + job.name + "'", "spec");
  require_json(job.tags, true, "job '" + job.name + "'", "tags");
  if (is_final(job.status))
    throw UsageError(Location{"", 0, "job '" + job.name + "'", "status"}, "a new job must be queued or running");
  std::lock_guard lock(impl_->mutex);
  const std::string operation = "create job '" + job.name + "'";
  const std::string t = impl_->now();
  int attempts = 0;
  impl_->run(operation, [&](PgConnection& c) {
    ++attempts;
    const PgResult r = c.exec(
        "INSERT INTO job (name, experiment_name, display_name, description, task, spec, tags, status, message, "
        "created_at, started_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $10) "
        "ON CONFLICT (name) DO NOTHING",
        {job.name, job.experiment_name, job.display_name, job.description, job.task, job.spec, job.tags,
         to_string(job.status), job.message, t, job.status == RunStatus::Running ? PgParam(t) : std::nullopt},
        operation);
    if (r.affected() == 1) return 1;
    const PgResult e = c.exec("SELECT created_at FROM job WHERE name = $1", {job.name}, operation);
    // Only a retry after a lost connection can meet its own insert (committed before the loss);
    // on the first attempt a row of the same time is another create_job within the same millisecond.
    if (attempts > 1 && e.rows() > 0 && e.text(0, 0) == t) return 1;
    throw ConflictError(impl_->where(), "cannot " + operation + ": a job with this name already exists (created " +
                                            (e.rows() ? e.text(0, 0) : std::string("?")) + "); choose another name");
  });
}

std::optional<JobRecord> PostgresStore::find_job(const std::string& name) {
  std::lock_guard lock(impl_->mutex);
  const PgResult r = impl_->run("read job '" + name + "'", [&](PgConnection& c) {
    return c.exec(std::string("SELECT ") + kJobColumns + " FROM job WHERE name = $1", {name}, "read job '" + name + "'");
  });
  if (r.rows() == 0) return std::nullopt;
  return read_job(r, 0, impl_->shown);
}

std::vector<JobRecord> PostgresStore::list_jobs() {
  std::lock_guard lock(impl_->mutex);
  const PgResult r = impl_->run("list jobs", [&](PgConnection& c) {
    return c.exec(std::string("SELECT ") + kJobColumns + " FROM job ORDER BY created_at, name", {}, "list jobs");
  });
  std::vector<JobRecord> jobs;
  for (int i = 0; i < r.rows(); ++i) jobs.push_back(read_job(r, i, impl_->shown));
  return jobs;
}

void PostgresStore::set_job_status(const std::string& job, RunStatus status, const std::string& message) {
  std::lock_guard lock(impl_->mutex);
  impl_->change_status("job", "job", "name", "updated_at", job, status, message);
}

void PostgresStore::set_job_tag(const std::string& job, const std::string& key, const std::string& value) {
  std::lock_guard lock(impl_->mutex);
  const std::string operation = "set tag '" + key + "' of job '" + job + "'";
  const std::string t = impl_->now();
  impl_->run(operation, [&](PgConnection& c) {
    PgTransaction txn(c, operation);
    const PgResult r = c.exec("SELECT tags FROM job WHERE name = $1 FOR UPDATE", {job}, operation);
    if (r.rows() == 0) throw NotFoundError(impl_->where(), "cannot " + operation + ": job not found");
    nlohmann::json tags = nlohmann::json::parse(r.text(0, 0), nullptr, /*allow_exceptions=*/false);
    if (!tags.is_object()) tags = nlohmann::json::object();
    tags[key] = value;
    c.exec("UPDATE job SET tags = $1, updated_at = $2 WHERE name = $3", {tags.dump(), t, job}, operation);
    txn.commit();
    return 1;
  });
}

void PostgresStore::set_job_skipped_images(const std::string& job, const std::string& json_array) {
  require_json(json_array, false, "job '" + job + "'", "skipped_images");
  std::lock_guard lock(impl_->mutex);
  const std::string operation = "record the skipped images of job '" + job + "'";
  const std::string t = impl_->now();
  impl_->run(operation, [&](PgConnection& c) {
    if (c.exec("UPDATE job SET skipped_images = $1, updated_at = $2 WHERE name = $3", {json_array, t, job}, operation)
            .affected() == 0)
      throw NotFoundError(impl_->where(), "cannot " + operation + ": job not found");
    return 1;
  });
}

void PostgresStore::job_heartbeat(const std::string& job, const std::string& owner) {
  std::lock_guard lock(impl_->mutex);
  const std::string operation = "record a heartbeat of job '" + job + "'";
  const std::string t = impl_->now();
  const std::string where = impl_->shown;
  impl_->session->record(operation, [=](PgConnection& c) {
    if (c.exec("UPDATE job SET owner = $1, heartbeat_at = $2 WHERE name = $3", {owner, t, job}, operation).affected() == 0)
      throw NotFoundError(Location{where, 0, "", ""}, "cannot " + operation + ": job not found");
  });
}

std::string PostgresStore::create_trial(const std::string& job, const TrialRecord& trial) {
  require_json(trial.parameters, true, "trial of job '" + job + "'", "parameters");
  require_json(trial.config, true, "trial of job '" + job + "'", "config");
  if (is_final(trial.status))
    throw UsageError(Location{"", 0, "trial of job '" + job + "'", "status"}, "a new trial must be queued or running");
  std::lock_guard lock(impl_->mutex);
  const std::string operation = "add a trial to job '" + job + "'";
  const std::string t = impl_->now();
  return impl_->run(operation, [&](PgConnection& c) {
    PgTransaction txn(c, operation);
    // Locking the job's row makes concurrent creators of its trials take turns for the next index.
    if (c.exec("SELECT 1 FROM job WHERE name = $1 FOR UPDATE", {job}, operation).rows() == 0)
      throw NotFoundError(impl_->where(), "cannot " + operation + ": job '" + job + "' not found");
    const int index = int(c.exec("SELECT COALESCE(MAX(idx) + 1, 0) FROM trial WHERE job = $1", {job}, operation).integer(0, 0));
    const std::string id = job + "_" + std::to_string(index);
    c.exec("INSERT INTO trial (id, job, idx, parameters, status, message, created_at, started_at, heartbeat_at, config) "
           "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $7, $9)",
           {id, job, std::to_string(index), trial.parameters, to_string(trial.status), trial.message, t,
            trial.status == RunStatus::Running ? PgParam(t) : std::nullopt, trial.config},
           operation);
    txn.commit();
    return id;
  });
}

std::optional<TrialRecord> PostgresStore::find_trial(const std::string& trial) {
  std::lock_guard lock(impl_->mutex);
  const std::string operation = "read trial '" + trial + "'";
  const PgResult r = impl_->run(operation, [&](PgConnection& c) {
    return c.exec(std::string("SELECT ") + kTrialColumns + " FROM trial WHERE id = $1", {trial}, operation);
  });
  if (r.rows() == 0) return std::nullopt;
  return read_trial(r, 0, impl_->shown);
}

std::vector<TrialRecord> PostgresStore::list_trials(const std::string& job) {
  std::lock_guard lock(impl_->mutex);
  const std::string operation = "list the trials of job '" + job + "'";
  const PgResult r = impl_->run(operation, [&](PgConnection& c) {
    impl_->require_job(c, job, operation);
    return c.exec(std::string("SELECT ") + kTrialColumns + " FROM trial WHERE job = $1 ORDER BY idx", {job}, operation);
  });
  std::vector<TrialRecord> trials;
  for (int i = 0; i < r.rows(); ++i) trials.push_back(read_trial(r, i, impl_->shown));
  return trials;
}

void PostgresStore::set_trial_status(const std::string& trial, RunStatus status, const std::string& message) {
  std::lock_guard lock(impl_->mutex);
  impl_->change_status("trial", "trial", "id", "heartbeat_at", trial, status, message);
}

std::optional<TrialRecord> PostgresStore::claim_trial(const std::string& job, const std::string& worker) {
  std::lock_guard lock(impl_->mutex);
  const std::string operation = "claim a queued trial of job '" + job + "'";
  const std::string t = impl_->now();
  // SKIP LOCKED: a claimer passes over the row another claimer holds instead of waiting for it,
  // so each statement takes a different trial.
  const PgResult r = impl_->run(operation, [&](PgConnection& c) {
    return c.exec(std::string("UPDATE trial SET status = 'running', worker = $2, heartbeat_at = $3, "
                              "started_at = COALESCE(started_at, $3), ended_at = NULL "
                              "WHERE id = (SELECT id FROM trial WHERE job = $1 AND status = 'queued' ORDER BY idx "
                              "FOR UPDATE SKIP LOCKED LIMIT 1) RETURNING ") + kTrialColumns,
                  {job, worker, t}, operation);
  });
  if (r.rows() == 0) return std::nullopt;
  return read_trial(r, 0, impl_->shown);
}

void PostgresStore::request_trial_stop(const std::string& trial, RunStatus status, const std::string& reason) {
  std::lock_guard lock(impl_->mutex);
  const std::string operation = "ask trial '" + trial + "' to stop";
  impl_->run(operation, [&](PgConnection& c) {
    impl_->require_trial(c, trial, operation);
    c.exec("UPDATE trial SET stop_status = $1, stop_reason = $2 WHERE id = $3 AND stop_status = '' "
           "AND status IN ('queued', 'running')",
           {to_string(status), reason, trial}, operation);
    return 1;
  });
}

void PostgresStore::heartbeat(const std::string& trial, const std::string& worker) {
  std::lock_guard lock(impl_->mutex);
  const std::string operation = "record a heartbeat of trial '" + trial + "'";
  const std::string t = impl_->now();
  const std::string where = impl_->shown;
  impl_->session->record(operation, [=](PgConnection& c) {
    if (c.exec("UPDATE trial SET heartbeat_at = $1, worker = CASE WHEN $2 = '' THEN worker ELSE $2 END WHERE id = $3",
               {t, worker, trial}, operation)
            .affected() == 0)
      throw NotFoundError(Location{where, 0, "", ""}, "cannot " + operation + ": trial not found");
  });
}

std::vector<TrialRecord> PostgresStore::stale_trials(std::chrono::seconds max_age) {
  std::lock_guard lock(impl_->mutex);
  const Clock::time_point now = impl_->options.clock ? impl_->options.clock() : Clock::now();
  const std::string operation = "find trials without a recent heartbeat";
  const PgResult r = impl_->run(operation, [&](PgConnection& c) {
    return c.exec(std::string("SELECT ") + kTrialColumns +
                      " FROM trial WHERE status = 'running' AND heartbeat_at < $1 ORDER BY job, idx",
                  {iso8601_utc(now - max_age)}, operation);
  });
  std::vector<TrialRecord> trials;
  for (int i = 0; i < r.rows(); ++i) trials.push_back(read_trial(r, i, impl_->shown));
  return trials;
}

void PostgresStore::record_epoch_metrics(const std::string& trial, int epoch, const std::map<std::string, double>& values) {
  const std::string operation = "record epoch " + std::to_string(epoch) + " metrics of trial '" + trial + "'";
  if (epoch < 0) throw UsageError(Location{"", 0, "trial '" + trial + "'", "epoch"}, "epoch must be >= 0");
  for (const auto& [name, _] : values)
    if (name.empty()) throw UsageError(Location{"", 0, "trial '" + trial + "'", "metrics"}, "empty metric name");
  std::lock_guard lock(impl_->mutex);
  const std::string t = impl_->now();
  const std::string where = impl_->shown;
  impl_->session->record(operation, [=](PgConnection& c) {
    PgTransaction txn(c, operation);
    if (c.exec("SELECT 1 FROM trial WHERE id = $1", {trial}, operation).rows() == 0)
      throw NotFoundError(Location{where, 0, "", ""}, "cannot " + operation + ": trial '" + trial + "' not found");
    for (const auto& [name, value] : values)
      c.exec("INSERT INTO metric (trial, name, epoch, value, recorded_at) VALUES ($1, $2, $3, $4, $5) "
             "ON CONFLICT (trial, name, epoch) DO UPDATE SET value = excluded.value, recorded_at = excluded.recorded_at",
             {trial, name, std::to_string(epoch), number(value), t}, operation);
    c.exec("UPDATE trial SET heartbeat_at = $1 WHERE id = $2", {t, trial}, operation);
    txn.commit();
  });
}

MetricHistory PostgresStore::metric_history(const std::string& trial) {
  std::lock_guard lock(impl_->mutex);
  const std::string operation = "read the metrics of trial '" + trial + "'";
  const PgResult r = impl_->run(operation, [&](PgConnection& c) {
    impl_->require_trial(c, trial, operation);
    return c.exec("SELECT name, epoch, value FROM metric WHERE trial = $1 ORDER BY name, epoch", {trial}, operation);
  });
  MetricHistory h;
  for (int i = 0; i < r.rows(); ++i) h[r.text(i, 0)].push_back({int(r.integer(i, 1)), r.real(i, 2)});
  return h;
}

void PostgresStore::record_artifact(const std::string& trial, const std::string& kind, const std::string& path) {
  if (kind.empty()) throw UsageError(Location{"", 0, "trial '" + trial + "'", "artifact kind"}, "must not be empty");
  std::lock_guard lock(impl_->mutex);
  const std::string operation = "record the " + kind + " artefact of trial '" + trial + "'";
  const std::string t = impl_->now();
  const std::string where = impl_->shown;
  impl_->session->record(operation, [=](PgConnection& c) {
    if (c.exec("SELECT 1 FROM trial WHERE id = $1", {trial}, operation).rows() == 0)
      throw NotFoundError(Location{where, 0, "", ""}, "cannot " + operation + ": trial '" + trial + "' not found");
    c.exec("INSERT INTO artifact (trial, kind, path, recorded_at) VALUES ($1, $2, $3, $4) "
           "ON CONFLICT (trial, kind) DO UPDATE SET path = excluded.path, recorded_at = excluded.recorded_at",
           {trial, kind, path, t}, operation);
  });
}

std::map<std::string, std::string> PostgresStore::artifacts(const std::string& trial) {
  std::lock_guard lock(impl_->mutex);
  const std::string operation = "read the artefacts of trial '" + trial + "'";
  const PgResult r = impl_->run(operation, [&](PgConnection& c) {
    impl_->require_trial(c, trial, operation);
    return c.exec("SELECT kind, path FROM artifact WHERE trial = $1 ORDER BY kind", {trial}, operation);
  });
  std::map<std::string, std::string> out;
  for (int i = 0; i < r.rows(); ++i) out[r.text(i, 0)] = r.text(i, 1);
  return out;
}

std::optional<BestTrial> PostgresStore::best_trial_by(const std::string& job, const std::string& metric) {
  std::lock_guard lock(impl_->mutex);
  const std::string operation = "find the best trial of job '" + job + "'";
  return impl_->run(operation, [&](PgConnection& c) -> std::optional<BestTrial> {
    impl_->require_job(c, job, operation);
    const PgResult r = c.exec(
        "SELECT t.id, MAX(m.value) AS best FROM trial t JOIN metric m ON m.trial = t.id "
        "WHERE t.job = $1 AND t.status <> 'failed' AND m.name = $2 AND m.value IS NOT NULL "
        "GROUP BY t.id, t.idx ORDER BY best DESC, t.idx ASC LIMIT 1",
        {job, metric}, operation);
    if (r.rows() == 0) return std::nullopt;
    BestTrial best{r.text(0, 0), r.real(0, 1), 0};
    const PgResult e = c.exec(
        "SELECT epoch FROM metric WHERE trial = $1 AND name = $2 AND value IS NOT NULL "
        "ORDER BY value DESC, epoch DESC LIMIT 1",
        {best.trial, metric}, operation);
    best.epoch = int(e.integer(0, 0));
    return best;
  });
}

}  // namespace autodet::store
