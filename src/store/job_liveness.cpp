#include "store/job_liveness.h"

#include <fmt/format.h>

#include "core/error.h"
#include "core/process_owner.h"

namespace autodet::store {
namespace {

// Seconds since the job's last heartbeat; nullopt without one.
std::optional<double> heartbeat_age(const JobRecord& job, Clock::time_point now) {
  return seconds_between(job.heartbeat, iso8601_utc(now));
}

}  // namespace

std::optional<std::string> job_interruption(const JobRecord& job, Clock::time_point now) {
  if (is_final(job.status) || job.owner.empty()) return std::nullopt;
  const auto owner = ProcessOwner::parse(job.owner);
  if (!owner) return std::nullopt;
  const auto alive = owner_alive(*owner);
  if (alive && !*alive) return fmt::format("its process {} (pid {}) has ended", owner->host, owner->pid);
  const auto age = heartbeat_age(job, now);
  if (age && *age > double(kJobStaleAfter.count()))
    return fmt::format("no heartbeat from {} (pid {}) for {:.0f} s", owner->host, owner->pid, *age);
  return std::nullopt;
}

std::string shown_status(const JobRecord& job, Clock::time_point now) {
  return job_interruption(job, now) ? "interrupted" : to_string(job.status);
}

std::string resume_command(const std::string& job) { return "autodet train --resume " + job; }

void require_not_running(const JobRecord& job, Clock::time_point now) {
  if (is_final(job.status) || job.owner.empty() || job_interruption(job, now)) return;
  const auto owner = ProcessOwner::parse(job.owner);
  if (!owner || owner->str() == this_process().str()) return;  // this process (started again by exec)
  const auto age = heartbeat_age(job, now);
  throw UsageError(fmt::format("job '{}' is still running: process {} on {} (heartbeat {}); stop it before resuming",
                               job.name, owner->pid, owner->host, age ? fmt::format("{:.0f} s ago", *age) : "unknown"));
}

}  // namespace autodet::store
