#pragma once
// A job as `autodet jobs show --json` prints it and its report embeds it: store::job_detail_json
// with, for each trial that recorded one, the best epoch's evaluation (metrics and confusion
// matrices, eval::evaluation_summary) and the record's path under "evaluation".
#include <nlohmann/json.hpp>

#include "store/run_json.h"

namespace autodet::report {

// A record that cannot be read shows {"error", "path"} instead of failing the whole job.
nlohmann::json job_json(store::RunStore& store, const store::JobRecord& job, store::Clock::time_point now);

}  // namespace autodet::report
