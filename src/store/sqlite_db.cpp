#include "store/sqlite_db.h"

#include <cmath>
#include <limits>

#include <sqlite3.h>

#include "store/store_error.h"

namespace autodet::store {
namespace {

std::string explain(int rc, const char* sqlite_message) {
  std::string sqlite_says = sqlite_message ? sqlite_message : sqlite3_errstr(rc);
  switch (rc & 0xff) {
    case SQLITE_NOTADB:
      return "not an SQLite database (" + sqlite_says +
             "); move the file away or choose another workspace";
    case SQLITE_CORRUPT:
      return "the database file is corrupted (" + sqlite_says + ")";
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return "the database stayed locked by another process longer than the busy timeout (" + sqlite_says + ")";
    case SQLITE_CANTOPEN:
      return "cannot open the database file (" + sqlite_says + ")";
    case SQLITE_READONLY:
      return "the database is read-only (" + sqlite_says + ")";
    case SQLITE_FULL:
      return "the disk is full (" + sqlite_says + ")";
    case SQLITE_IOERR:
      return "I/O error (" + sqlite_says + ")";
    default:
      return sqlite_says;
  }
}

}  // namespace

SqliteDb::SqliteDb(const std::string& path, int flags, int busy_timeout_ms) : path_(path) {
  int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = explain(rc, db_ ? sqlite3_errmsg(db_) : nullptr);
    sqlite3_close(db_);
    db_ = nullptr;
    throw StoreError(Location{path_, 0, "", ""}, "cannot open the run store: " + msg);
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, busy_timeout_ms);
}

SqliteDb::~SqliteDb() {
  for (auto& [_, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close(db_);
}

void SqliteDb::fail(const std::string& operation, int rc) const {
  throw StoreError(Location{path_, 0, "", ""}, "cannot " + operation + ": " + explain(rc, sqlite3_errmsg(db_)));
}

int SqliteDb::changes() const { return sqlite3_changes(db_); }

void SqliteDb::exec(const std::string& sql, const std::string& operation) {
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) fail(operation, rc);
}

sqlite3_stmt* SqliteDb::statement(const std::string& sql, const std::string& operation) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) return it->second;
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) fail(operation, rc);
  cache_.emplace(sql, stmt);
  return stmt;
}

Query::Query(SqliteDb& db, const std::string& sql, std::string operation)
    : db_(db), stmt_(db.statement(sql, operation)), operation_(std::move(operation)) {}

Query::~Query() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

Query& Query::bind(int i, const std::string& v) {
  int rc = sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) db_.fail(operation_, rc);
  return *this;
}

Query& Query::bind(int i, std::int64_t v) {
  int rc = sqlite3_bind_int64(stmt_, i, v);
  if (rc != SQLITE_OK) db_.fail(operation_, rc);
  return *this;
}

Query& Query::bind(int i, double v) {
  if (std::isnan(v)) return bind_null(i);
  int rc = sqlite3_bind_double(stmt_, i, v);
  if (rc != SQLITE_OK) db_.fail(operation_, rc);
  return *this;
}

Query& Query::bind_null(int i) {
  int rc = sqlite3_bind_null(stmt_, i);
  if (rc != SQLITE_OK) db_.fail(operation_, rc);
  return *this;
}

bool Query::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  db_.fail(operation_, rc);
}

void Query::run() {
  while (step()) {
  }
}

bool Query::is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

std::string Query::text(int col) const {
  const unsigned char* p = sqlite3_column_text(stmt_, col);
  if (!p) return "";
  return std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)));
}

std::int64_t Query::integer(int col) const { return sqlite3_column_int64(stmt_, col); }

double Query::real(int col) const {
  if (is_null(col)) return std::numeric_limits<double>::quiet_NaN();
  return sqlite3_column_double(stmt_, col);
}

Transaction::Transaction(SqliteDb& db, std::string operation) : db_(db), operation_(std::move(operation)) {
  Query(db_, "BEGIN IMMEDIATE", operation_).run();
  open_ = true;
}

Transaction::~Transaction() {
  if (!open_) return;
  try {
    Query(db_, "ROLLBACK", operation_).run();
  } catch (...) {  // the original error is the one worth reporting
  }
}

void Transaction::commit() {
  Query(db_, "COMMIT", operation_).run();
  open_ = false;
}

}  // namespace autodet::store
