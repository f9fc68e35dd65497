#include "store/run_status.h"

#include <array>
#include <utility>

namespace autodet::store {
namespace {

constexpr std::array<std::pair<RunStatus, const char*>, 6> kNames{{
    {RunStatus::Queued, "queued"},
    {RunStatus::Running, "running"},
    {RunStatus::Completed, "completed"},
    {RunStatus::Failed, "failed"},
    {RunStatus::Terminated, "terminated"},
    {RunStatus::Canceled, "canceled"},
}};

}  // namespace

std::string to_string(RunStatus s) {
  for (const auto& [status, name] : kNames)
    if (status == s) return name;
  return "unknown";
}

std::optional<RunStatus> parse_run_status(const std::string& s) {
  for (const auto& [status, name] : kNames)
    if (s == name) return status;
  return std::nullopt;
}

bool is_final(RunStatus s) { return s != RunStatus::Queued && s != RunStatus::Running; }

bool can_transition(RunStatus from, RunStatus to) {
  switch (from) {
    case RunStatus::Queued:
      return to == RunStatus::Running || to == RunStatus::Canceled;
    case RunStatus::Running:
      return to != RunStatus::Running;
    default:
      return false;
  }
}

}  // namespace autodet::store
