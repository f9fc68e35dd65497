#pragma once
// Internal to the store: a thin libpq connection. Statements take text parameters ($1, $2, ...);
// errors name the database (its URL without the password) and the operation, and a lost or
// refused connection is a StoreUnavailableError so callers can wait and try again.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

struct pg_conn;
struct pg_result;

namespace autodet::store {

// A statement parameter: text, or SQL NULL.
using PgParam = std::optional<std::string>;

// The rows a statement returned.
class PgResult {
 public:
  explicit PgResult(pg_result* r);
  int rows() const;
  int affected() const;  // rows changed by INSERT/UPDATE/DELETE
  bool is_null(int row, int col) const;
  std::string text(int row, int col) const;  // "" for NULL
  std::int64_t integer(int row, int col) const;
  double real(int row, int col) const;  // NaN for NULL

 private:
  std::shared_ptr<pg_result> result_;
};

// One connection to one database; connects on demand.
class PgConnection {
 public:
  // url: a libpq connection URL; shown: the same without its password, for messages.
  PgConnection(std::string url, std::string shown);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  const std::string& shown() const { return shown_; }
  // Connects unless connected. StoreUnavailableError when the server cannot be reached now;
  // StoreError when it refuses us for good (authentication, no such database).
  void connect();
  // Drops the connection (the next connect() opens a new one).
  void reset();
  // Runs one statement. StoreUnavailableError when the connection is lost; StoreError otherwise.
  PgResult exec(const std::string& sql, const std::vector<PgParam>& params, const std::string& operation);
  // The SQLSTATE of the last failed statement ("" when none), e.g. "23505" for a unique violation.
  const std::string& last_sqlstate() const { return sqlstate_; }

 private:
  std::string url_;
  std::string shown_;
  pg_conn* conn_ = nullptr;
  std::string sqlstate_;
};

// BEGIN ... COMMIT on a connection; rolls back unless committed.
class PgTransaction {
 public:
  PgTransaction(PgConnection& c, std::string operation);
  ~PgTransaction();
  void commit();

 private:
  PgConnection& c_;
  std::string operation_;
  bool open_ = false;
};

}  // namespace autodet::store
