#include "store/job_heartbeat.h"

#include "core/log.h"
#include "core/process_owner.h"

namespace autodet::store {

JobHeartbeat::JobHeartbeat(const Workspace& ws, std::string job, std::chrono::milliseconds every)
    : job_(std::move(job)), every_(every), store_(open_run_store(ws, /*create=*/false)) {
  const std::string owner = this_process().str();
  beat(*store_, owner);
  thread_ = std::thread([this, owner] {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!wake_.wait_for(lock, every_, [this] { return stop_; })) {
      lock.unlock();
      beat(*store_, owner);
      lock.lock();
    }
  });
}

JobHeartbeat::~JobHeartbeat() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
  beat(*store_, "");
}

void JobHeartbeat::beat(RunStore& store, const std::string& owner) {
  try {
    store.job_heartbeat(job_, owner);
  } catch (const std::exception& e) {
    if (!warned_) log::warn("job {}: cannot record its heartbeat ({}); `jobs list` may show it as interrupted", job_, e.what());
    warned_ = true;
  }
}

}  // namespace autodet::store
