#include "store/run_json.h"

#include "store/job_liveness.h"
#include "store/timestamp.h"

namespace autodet::store {
namespace {

using nlohmann::json;

// Stored JSON text as a value (the text itself when it does not parse, which the store prevents).
json parse_stored(const std::string& text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  return j.is_discarded() ? json(text) : j;
}

json or_null(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

void add_job_fields(json& j, const JobRecord& job, Clock::time_point now) {
  j["name"] = job.name;
  j["status"] = shown_status(job, now);
  j["recorded_status"] = to_string(job.status);
  j["message"] = job.message;
  if (auto why = job_interruption(job, now)) {
    j["interrupted_because"] = *why;
    j["resume_command"] = resume_command(job.name);
  }
  j["owner"] = or_null(job.owner);
  j["heartbeat"] = or_null(job.heartbeat);
  j["experiment_name"] = job.experiment_name;
  j["display_name"] = job.display_name;
  j["description"] = job.description;
  j["task"] = job.task;
  j["created"] = job.times.created;
  j["started"] = or_null(job.times.started);
  j["ended"] = or_null(job.times.ended);
  j["updated"] = job.times.updated;
  j["duration_seconds"] = duration_json(job.times, now);
  j["skipped_images"] = parse_stored(job.skipped_images);
  j["ranking_metric"] = ranking_metric(job);
}

}  // namespace

json duration_json(const Timings& t, Clock::time_point now) {
  if (t.started.empty()) return nullptr;
  auto s = seconds_between(t.started, t.ended.empty() ? iso8601_utc(now) : t.ended);
  return s ? json(*s) : json(nullptr);
}

json trial_json(RunStore& store, const TrialRecord& trial, const std::string& metric, Clock::time_point now) {
  json j;
  j["id"] = trial.id;
  j["index"] = trial.index;
  j["status"] = to_string(trial.status);
  j["message"] = trial.message;
  j["worker"] = trial.worker;
  j["parameters"] = parse_stored(trial.parameters);
  j["config"] = parse_stored(trial.config);
  MetricHistory history = store.metric_history(trial.id);
  j["metrics"] = json::object();
  j["metric_epochs"] = json::object();
  for (const auto& [name, points] : history) {
    json values = json::array(), epochs = json::array();
    for (const MetricPoint& p : points) {
      values.push_back(p.value);  // NaN and infinities become null
      epochs.push_back(p.epoch);
    }
    j["metrics"][name] = values;
    j["metric_epochs"][name] = epochs;
  }
  auto best = best_point(history, metric);
  j["best_metric"] = best ? json(best->value) : json(nullptr);
  j["best_epoch"] = best ? json(best->epoch) : json(nullptr);
  j["artifacts"] = store.artifacts(trial.id);
  j["created"] = trial.times.created;
  j["started"] = or_null(trial.times.started);
  j["ended"] = or_null(trial.times.ended);
  j["updated"] = trial.times.updated;
  j["duration_seconds"] = duration_json(trial.times, now);
  return j;
}

json job_summary_json(RunStore& store, const JobRecord& job, Clock::time_point now) {
  json j;
  add_job_fields(j, job, now);
  j["trial_count"] = store.list_trials(job.name).size();
  auto best = store.best_trial(job.name);
  j["best_trial"] = best ? json(best->trial) : json(nullptr);
  j["best_metric"] = best ? json(best->value) : json(nullptr);
  return j;
}

json job_detail_json(RunStore& store, const JobRecord& job, Clock::time_point now) {
  json j;
  add_job_fields(j, job, now);
  j["spec"] = parse_stored(job.spec);
  j["tags"] = parse_stored(job.tags);
  j["trials"] = json::array();
  for (const TrialRecord& t : store.list_trials(job.name)) j["trials"].push_back(trial_json(store, t, ranking_metric(job), now));
  auto best = store.best_trial(job.name);
  j["best_trial"] = best ? json(best->trial) : json(nullptr);
  j["best_metric"] = best ? json(best->value) : json(nullptr);
  j["best_epoch"] = best ? json(best->epoch) : json(nullptr);
  return j;
}

}  // namespace autodet::store
