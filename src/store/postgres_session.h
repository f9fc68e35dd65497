#pragma once
// Internal to the store: a PostgreSQL connection that rides out outages. Calls wait for an
// unreachable server, retrying with back-off up to a patience; records (metrics, heartbeats,
// artefact paths) are kept in order in memory and written once the server is back, so a worker
// goes on training meanwhile. An outage is reported in one line, and its end in another.
#include <chrono>
#include <deque>
#include <functional>
#include <string>
#include <thread>
#include <utility>

#include "store/postgres_db.h"
#include "store/store_error.h"

namespace autodet::store {

// How long and how often to try an unreachable server.
struct RetryPolicy {
  std::chrono::seconds patience{600};          // a call that waits longer fails with StoreUnavailableError
  std::chrono::milliseconds first_wait{250};   // the first retry; doubled each time
  std::chrono::milliseconds longest_wait{4000};  // up to this
};

class PostgresSession {
 public:
  PostgresSession(std::string url, std::string shown, RetryPolicy retry);
  ~PostgresSession();

  const std::string& shown() const { return conn_.shown(); }

  // f(connection) once the server answers (kept records are written first). Waits up to the
  // patience while it is unreachable; other errors pass through at once. f may run again after a
  // lost connection, so it must be a whole transaction or a single statement.
  template <class F>
  auto run(const std::string& operation, F&& f) -> decltype(f(std::declval<PgConnection&>())) {
    const auto deadline = std::chrono::steady_clock::now() + retry_.patience;
    while (true) {
      try {
        write_kept();
        auto&& result = f(conn_);
        back_up();
        return std::forward<decltype(result)>(result);
      } catch (const StoreUnavailableError& e) {
        went_down(e.what());
        if (std::chrono::steady_clock::now() >= deadline)
          throw StoreUnavailableError(Location{shown(), 0, "", ""},
                                      "cannot " + operation + ": the run store stayed unreachable for " +
                                          std::to_string(retry_.patience.count()) + " s (" + e.what() + ")");
        std::this_thread::sleep_for(wait_);
        wait_ = std::min(wait_ * 2, retry_.longest_wait);
      }
    }
  }
  // Writes now when the server answers; otherwise keeps the write, in order, and returns at once.
  // The write must be idempotent (it may be tried again).
  void record(const std::string& what, std::function<void(PgConnection&)> write);
  // Waits (up to the patience) until every kept record is written.
  void write_all();
  std::size_t kept() const { return kept_.size(); }

 private:
  struct Kept {
    std::string what;
    std::function<void(PgConnection&)> write;
  };
  void write_kept();
  void went_down(const std::string& why);
  void back_up();

  PgConnection conn_;
  RetryPolicy retry_;
  std::deque<Kept> kept_;
  bool down_ = false;
  std::chrono::steady_clock::time_point down_since_{};
  std::chrono::steady_clock::time_point next_try_{};
  std::chrono::milliseconds wait_;
};

}  // namespace autodet::store
