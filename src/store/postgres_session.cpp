#include "store/postgres_session.h"

#include "core/log.h"

namespace autodet::store {

PostgresSession::PostgresSession(std::string url, std::string shown, RetryPolicy retry)
    : conn_(std::move(url), std::move(shown)), retry_(retry), wait_(retry.first_wait) {}

PostgresSession::~PostgresSession() {
  if (kept_.empty()) return;
  try {
    write_all();
  } catch (const std::exception& e) {
    log::error("run store {}: {} records could not be written and are lost ({}): first: {}", shown(), kept_.size(),
               e.what(), kept_.front().what);
  }
}

void PostgresSession::write_kept() {
  while (!kept_.empty()) {
    try {
      kept_.front().write(conn_);
    } catch (const StoreUnavailableError&) {
      throw;
    } catch (const std::exception& e) {  // refused for good (e.g. its trial was deleted): do not block the rest
      log::warn("run store {}: a kept record was refused and is dropped ({}): {}", shown(), kept_.front().what, e.what());
    }
    kept_.pop_front();
  }
}

void PostgresSession::went_down(const std::string& why) {
  conn_.reset();
  if (!down_) {
    down_ = true;
    down_since_ = std::chrono::steady_clock::now();
    log::warn("run store {} unreachable ({}); retrying every {} s at most, training goes on and what it records is "
              "kept until the store is back", shown(), why, retry_.longest_wait.count() / 1000.0);
  }
  next_try_ = std::chrono::steady_clock::now() + wait_;
}

void PostgresSession::back_up() {
  wait_ = retry_.first_wait;
  if (!down_) return;
  down_ = false;
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - down_since_).count();
  log::info("run store {} reachable again after {:.0f} s; every kept record is written", shown(), seconds);
}

void PostgresSession::record(const std::string& what, std::function<void(PgConnection&)> write) {
  if (!down_ || std::chrono::steady_clock::now() >= next_try_) {
    try {
      write_kept();
      write(conn_);
      back_up();
      return;
    } catch (const StoreUnavailableError& e) {
      went_down(e.what());
      wait_ = std::min(wait_ * 2, retry_.longest_wait);
    }
  }
  kept_.push_back({what, std::move(write)});
}

void PostgresSession::write_all() {
  run("write the kept records", [](PgConnection&) { return 0; });
}

}  // namespace autodet::store
