#pragma once
// Jobs and trials as JSON, the shape `autodet jobs list/show --json` prints (docs/store.md).
#include <nlohmann/json.hpp>

#include "store/run_store.h"
#include "store/timestamp.h"

namespace autodet::store {

// Seconds from started to ended (to now while still running); null when it never started.
nlohmann::json duration_json(const Timings& t, Clock::time_point now);

// One trial: id, index, status, message, worker, parameters (object), metrics (name -> values
// in epoch order), metric_epochs (name -> epochs), best_metric/best_epoch (of `metric`, the job's
// ranking_metric, or null), artifacts (kind -> path), created/started/ended/updated, duration_seconds.
nlohmann::json trial_json(RunStore& store, const TrialRecord& trial, const std::string& metric, Clock::time_point now);

// The fields every job has: name, status ("interrupted" when job_interruption says so, else the
// recorded one), recorded_status, message, interrupted_because and resume_command (only when
// interrupted), owner, heartbeat, skipped_images ([{path, reason}]), names, times, duration.
// A job for `jobs list`: its fields, ranking_metric (what best_metric measures), trial_count,
// best_trial and best_metric (null when none).
nlohmann::json job_summary_json(RunStore& store, const JobRecord& job, Clock::time_point now);

// A job for `jobs show`: its fields, spec and tags (objects), trials (trial_json each), best_trial
// (id or null), best_metric and best_epoch.
nlohmann::json job_detail_json(RunStore& store, const JobRecord& job, Clock::time_point now);

}  // namespace autodet::store
