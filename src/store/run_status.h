#pragma once
// The life cycle shared by jobs and trials, with the transitions the store allows.
#include <optional>
#include <string>

namespace autodet::store {

// Where a job or trial is in its life. The names are stored and printed in lower case.
enum class RunStatus { Queued, Running, Completed, Failed, Terminated, Canceled };

std::string to_string(RunStatus s);
// Parses a stored/printed name; nullopt when unknown.
std::optional<RunStatus> parse_run_status(const std::string& s);
// Completed, failed, terminated and canceled are final.
bool is_final(RunStatus s);
// queued -> running | canceled; running -> completed | failed | terminated | canceled | queued
// (queued again = resumed later). Nothing leaves a final status; staying put is not a transition.
bool can_transition(RunStatus from, RunStatus to);

}  // namespace autodet::store
