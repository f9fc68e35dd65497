#pragma once
// Internal to the store: a thin SQLite connection with cached prepared statements, bound
// parameters, immediate transactions and errors that name the file and the operation.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

struct sqlite3;
struct sqlite3_stmt;

namespace autodet::store {

// One open database file.
class SqliteDb {
 public:
  // flags: SQLITE_OPEN_* (read-write, optionally create). Sets extended error codes and the busy timeout.
  SqliteDb(const std::string& path, int flags, int busy_timeout_ms);
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  const std::string& path() const { return path_; }
  // Runs constant SQL (no user data; may hold several statements).
  void exec(const std::string& sql, const std::string& operation);
  // The cached statement for sql, prepared on first use.
  sqlite3_stmt* statement(const std::string& sql, const std::string& operation);
  // Rows changed by the last INSERT/UPDATE/DELETE.
  int changes() const;
  // Throws StoreError naming the file, the operation and what SQLite said about rc.
  [[noreturn]] void fail(const std::string& operation, int rc) const;

 private:
  std::string path_;
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

// One execution of a cached statement: bind, step, read columns. Resets the statement when done.
class Query {
 public:
  Query(SqliteDb& db, const std::string& sql, std::string operation);
  ~Query();
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;

  // Parameters are numbered from 1 as in the SQL (?1, ?2, ...).
  Query& bind(int i, const std::string& v);
  Query& bind(int i, const char* v) { return bind(i, std::string(v)); }
  Query& bind(int i, std::int64_t v);
  Query& bind(int i, int v) { return bind(i, std::int64_t(v)); }
  Query& bind(int i, double v);  // NaN is stored as NULL
  Query& bind_null(int i);
  Query& bind(int i, const std::optional<std::string>& v) { return v ? bind(i, *v) : bind_null(i); }

  // Advances to the next row; false when there is none.
  bool step();
  // Runs a statement that returns no rows.
  void run();

  bool is_null(int col) const;
  std::string text(int col) const;  // "" for NULL
  std::int64_t integer(int col) const;
  double real(int col) const;  // NaN for NULL

 private:
  SqliteDb& db_;
  sqlite3_stmt* stmt_;
  std::string operation_;
};

// BEGIN IMMEDIATE ... COMMIT: takes the write lock up front (waiting up to the busy timeout), so
// a read-then-write inside it never fails with "database is locked". Rolls back unless committed.
class Transaction {
 public:
  Transaction(SqliteDb& db, std::string operation);
  ~Transaction();
  void commit();

 private:
  SqliteDb& db_;
  std::string operation_;
  bool open_ = false;
};

}  // namespace autodet::store
