#include "report/job_json.h"

#include "eval/evaluation_record.h"

namespace autodet::report {
namespace {

using nlohmann::json;

void add_evaluation(json& trial) {
  const json artifacts = trial.value("artifacts", json::object());
  if (!artifacts.contains("evaluation")) return;
  const std::string path = artifacts["evaluation"].get<std::string>();
  try {
    trial["evaluation"] = eval::evaluation_summary(eval::read_evaluation_record(path));
  } catch (const std::exception& e) {
    trial["evaluation"] = {{"error", e.what()}};
  }
  trial["evaluation"]["path"] = path;
}

}  // namespace

json job_json(store::RunStore& store, const store::JobRecord& job, store::Clock::time_point now) {
  json j = store::job_detail_json(store, job, now);
  for (json& t : j["trials"]) add_evaluation(t);
  return j;
}

}  // namespace autodet::report
