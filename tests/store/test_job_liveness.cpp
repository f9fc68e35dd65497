// Telling a killed job from a running one: the owner process on this host, the heartbeat on any.
#include "store/job_liveness.h"

#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include <gtest/gtest.h>

#include "core/error.h"
#include "core/process_owner.h"
#include "store/job_heartbeat.h"
#include "store/sqlite_store.h"
#include "test_util.h"

namespace autodet::store {
namespace {

JobRecord running_job(const std::string& owner, Clock::time_point heartbeat) {
  JobRecord j;
  j.name = "j";
  j.status = RunStatus::Running;
  j.owner = owner;
  j.heartbeat = iso8601_utc(heartbeat);
  return j;
}

// A process that has ended, as its owner string.
std::string ended_process() {
  const pid_t pid = ::fork();
  if (pid == 0) ::_exit(0);
  ProcessOwner o{host_name(), long(pid), process_start(pid).value_or(1)};
  int status = 0;
  ::waitpid(pid, &status, 0);
  return o.str();
}

TEST(JobLiveness, OwnerParsesAndNamesThisProcess) {
  const ProcessOwner me = this_process();
  EXPECT_GT(me.start, 0u);
  const auto back = ProcessOwner::parse(me.str());
  ASSERT_TRUE(back);
  EXPECT_EQ(back->str(), me.str());
  EXPECT_EQ(owner_alive(me), std::optional<bool>(true));
  EXPECT_FALSE(ProcessOwner::parse("host:12"));
  EXPECT_FALSE(ProcessOwner::parse("host:x:1"));
  EXPECT_EQ(ProcessOwner::parse("a:b:7:9")->host, "a:b");
}

TEST(JobLiveness, EndedOrReusedPidOrStaleHeartbeatIsInterrupted) {
  const Clock::time_point now = Clock::now();
  const ProcessOwner me = this_process();
  // Alive here with a fresh heartbeat: what the record says.
  EXPECT_FALSE(job_interruption(running_job(me.str(), now), now));
  EXPECT_EQ(shown_status(running_job(me.str(), now), now), "running");
  // The process has ended: interrupted at once, whatever the heartbeat says.
  const auto ended = job_interruption(running_job(ended_process(), now), now);
  ASSERT_TRUE(ended);
  EXPECT_NE(ended->find("has ended"), std::string::npos) << *ended;
  // This pid, but another start time: the pid was given to a later process.
  ProcessOwner reused = me;
  reused.start += 1;
  EXPECT_TRUE(job_interruption(running_job(reused.str(), now), now));
  // Another host: only the heartbeat tells.
  const std::string far = "elsewhere.example:42:100";
  EXPECT_FALSE(job_interruption(running_job(far, now - kJobStaleAfter + std::chrono::seconds(5)), now));
  const auto stale = job_interruption(running_job(far, now - kJobStaleAfter - std::chrono::seconds(5)), now);
  ASSERT_TRUE(stale);
  EXPECT_NE(stale->find("no heartbeat from elsewhere.example"), std::string::npos) << *stale;
  // Final statuses and jobs nobody claimed (older workspaces) are taken as recorded.
  JobRecord done = running_job(ended_process(), now);
  done.status = RunStatus::Completed;
  EXPECT_FALSE(job_interruption(done, now));
  EXPECT_FALSE(job_interruption(running_job("", now - std::chrono::hours(5)), now));
  EXPECT_EQ(resume_command("j"), "autodet train --resume j");
}

TEST(JobLiveness, AJobAnotherProcessRunsCannotBeResumed) {
  const Clock::time_point now = Clock::now();
  JobRecord other = running_job("elsewhere.example:42:100", now);
  EXPECT_THROW(require_not_running(other, now), UsageError);
  EXPECT_NO_THROW(require_not_running(running_job(ended_process(), now), now));
  EXPECT_NO_THROW(require_not_running(running_job(this_process().str(), now), now));
}

TEST(JobLiveness, HeartbeatClaimsTheJobWhileItLivesAndReleasesIt) {
  testing::TempDir t;
  Workspace ws(t / "ws");
  auto rs = open_run_store(ws, true);
  JobRecord j;
  j.name = "beating";
  j.status = RunStatus::Running;
  rs->create_job(j);
  {
    JobHeartbeat beat(ws, "beating", std::chrono::milliseconds(50));
    const JobRecord first = rs->get_job("beating");
    EXPECT_EQ(first.owner, this_process().str());
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    EXPECT_GT(rs->get_job("beating").heartbeat, first.heartbeat);
  }
  EXPECT_EQ(rs->get_job("beating").owner, "");
}

}  // namespace
}  // namespace autodet::store
