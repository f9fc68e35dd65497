#pragma once
// The optional services of the scale-out tests (scripts/services.sh starts them): a PostgreSQL
// server named by $AUTODET_TEST_POSTGRES_URL and a Slurm cluster named by $SLURM_CONF. Tests
// named Postgres... or Slurm... skip with the reason when they are absent.
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <optional>
#include <string>

#include "store/postgres_db.h"
#include "store/store_url.h"
#include "test_util.h"

namespace autodet::testing {

// The URL of the test server, or nullopt with *why set.
inline std::optional<std::string> postgres_test_url(std::string* why) {
  const char* url = std::getenv("AUTODET_TEST_POSTGRES_URL");
  if (!url || !*url) {
    *why = "AUTODET_TEST_POSTGRES_URL is not set (start the services with scripts/services.sh start)";
    return std::nullopt;
  }
  try {
    store::PgConnection c(url, store::redact_url(url));
    c.connect();
  } catch (const std::exception& e) {
    *why = std::string("the PostgreSQL server of AUTODET_TEST_POSTGRES_URL does not answer: ") + e.what();
    return std::nullopt;
  }
  return std::string(url);
}

#define AUTODET_REQUIRE_POSTGRES(url)                                                  \
  std::string url##_why;                                                               \
  const auto url##_opt = ::autodet::testing::postgres_test_url(&url##_why);            \
  if (!url##_opt) GTEST_SKIP() << url##_why;                                           \
  const std::string url = *url##_opt

// Runs one statement on the server at url; "" or the error.
inline std::string postgres_exec(const std::string& url, const std::string& sql) {
  try {
    store::PgConnection c(url, store::redact_url(url));
    c.exec(sql, {}, "run a test statement");
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

// url with another database name.
inline std::string with_database(const std::string& url, const std::string& db) {
  const auto slash = url.rfind('/');
  const auto query = url.find('?', slash);
  return url.substr(0, slash + 1) + db + (query == std::string::npos ? "" : url.substr(query));
}

// A fresh, empty database on the test server for one test; dropped afterwards.
class TestDatabase {
 public:
  explicit TestDatabase(std::string server_url) : server_(std::move(server_url)) {
    static std::atomic<int> n{0};
    name_ = "autodet_test_" + std::to_string(::getpid()) + "_" + std::to_string(n++);
    const std::string e = postgres_exec(server_, "CREATE DATABASE " + name_);
    if (!e.empty()) ADD_FAILURE() << "cannot create the test database: " << e;
    url_ = with_database(server_, name_);
  }
  ~TestDatabase() { postgres_exec(server_, "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)"); }
  const std::string& url() const { return url_; }

 private:
  std::string server_, name_, url_;
};

// Whether a Slurm cluster answers ($SLURM_CONF set and sinfo shows a node); *why when not.
inline bool slurm_available(std::string* why) {
  const char* conf = std::getenv("SLURM_CONF");
  if (!conf || !*conf) {
    *why = "SLURM_CONF is not set (start the services with scripts/services.sh start)";
    return false;
  }
  if (std::system("sinfo -h -o %T >/dev/null 2>&1") != 0) {
    *why = std::string("the Slurm cluster of SLURM_CONF=") + conf + " does not answer (sinfo failed)";
    return false;
  }
  return true;
}

// Sets an environment variable for the object's lifetime.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* v = std::getenv(name)) old_ = v, had_ = true;
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (had_) ::setenv(name_, old_.c_str(), 1);
    else ::unsetenv(name_);
  }

 private:
  const char* name_;
  std::string old_;
  bool had_ = false;
};

}  // namespace autodet::testing
