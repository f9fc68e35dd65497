#pragma once
// While a process runs a job: a background thread that records the process as the job's owner and
// refreshes the job's heartbeat, so `jobs list` can tell a killed job from a running one.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "store/job_liveness.h"
#include "store/workspace.h"

namespace autodet::store {

class JobHeartbeat {
 public:
  // Records the first heartbeat before returning, then one every `every` on its own connection
  // to the run store. A failed heartbeat is logged once and retried at the next one.
  JobHeartbeat(const Workspace& ws, std::string job, std::chrono::milliseconds every = kJobHeartbeatEvery);
  // Stops the thread and records that no process owns the job any more.
  ~JobHeartbeat();
  JobHeartbeat(const JobHeartbeat&) = delete;
  JobHeartbeat& operator=(const JobHeartbeat&) = delete;

 private:
  void beat(RunStore& store, const std::string& owner);

  std::string job_;
  std::chrono::milliseconds every_;
  std::unique_ptr<RunStore> store_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  bool warned_ = false;
  std::thread thread_;
};

}  // namespace autodet::store
