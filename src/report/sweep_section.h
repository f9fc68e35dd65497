#pragma once
// The sweep part of a job report: which parameters the trials varied, each trial's row and
// ranking-metric curve, which ended early, and how much of the budget was used.
#include <nlohmann/json_fwd.hpp>

namespace autodet::report {

// job: store::job_detail_json of the job (the `jobs show --json` shape).
// {"metric", "varied": [names], "trials": [{"id", "index", "status", "message", "early_terminated",
//  "values": {varied name: value}, "best_metric", "best_epoch", "duration_seconds",
//  "curve": {"epochs": [...], "values": [...]}}], "budget": {"max_trials", "max_concurrent_trials",
//  "timeout_minutes", "trials_used", "minutes_used"}}.
nlohmann::json sweep_section(const nlohmann::json& job);

}  // namespace autodet::report
