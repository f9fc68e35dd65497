#pragma once
// Whether a job recorded as running still runs: its owner process refreshes the job's heartbeat
// every kJobHeartbeatEvery (job_heartbeat.h); a job whose owner is gone from this host, or whose
// heartbeat is older than kJobStaleAfter on any host, was interrupted (killed, crashed, power cut).
#include <chrono>
#include <optional>
#include <string>

#include "store/run_store.h"
#include "store/timestamp.h"

namespace autodet::store {

inline constexpr std::chrono::seconds kJobHeartbeatEvery{5};
inline constexpr std::chrono::seconds kJobStaleAfter{60};

// Why the job is no longer running although its record says running or queued ("its process
// host:pid has ended", "no heartbeat for 75 s"); nullopt when the record can be believed (a final
// status, no owner recorded, or an owner that is alive with a fresh heartbeat). Reads only.
std::optional<std::string> job_interruption(const JobRecord& job, Clock::time_point now);

// "interrupted" when job_interruption says so, else the recorded status.
std::string shown_status(const JobRecord& job, Clock::time_point now);

// The command that continues the job.
std::string resume_command(const std::string& job);

// UsageError when another process still runs the job (owner alive, heartbeat fresh): two
// processes must not train the same job.
void require_not_running(const JobRecord& job, Clock::time_point now);

}  // namespace autodet::store
