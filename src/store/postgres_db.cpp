#include "store/postgres_db.h"

#include <cmath>
#include <cstdlib>
#include <limits>

#include <libpq-fe.h>

#include "store/store_error.h"
#include "store/store_url.h"

namespace autodet::store {
namespace {

// libpq's words for a server that is not there (yet, or any more), as opposed to one that refuses us.
bool unreachable_message(const std::string& m) {
  for (const char* s : {"Connection refused", "timeout expired", "starting up", "shutting down", "server closed",
                        "No route to host", "Network is unreachable", "no connection to the server",
                        "could not receive data", "could not send data", "terminating connection", "in recovery",
                        "No such file or directory"})
    if (m.find(s) != std::string::npos) return true;
  return false;
}

// libpq's message on one line: its line breaks and tabs become single spaces.
std::string trimmed(const std::string& s) {
  std::string out;
  for (char c : s) {
    const bool space = c == '\n' || c == '\t' || c == ' ';
    if (space && (out.empty() || out.back() == ' ')) continue;
    out += space ? ' ' : c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace

PgResult::PgResult(pg_result* r) : result_(r, PQclear) {}
int PgResult::rows() const { return PQntuples(result_.get()); }
int PgResult::affected() const {
  const char* n = PQcmdTuples(result_.get());
  return n && *n ? std::atoi(n) : 0;
}
bool PgResult::is_null(int row, int col) const { return PQgetisnull(result_.get(), row, col) != 0; }
std::string PgResult::text(int row, int col) const {
  return is_null(row, col) ? std::string() : std::string(PQgetvalue(result_.get(), row, col));
}
std::int64_t PgResult::integer(int row, int col) const { return std::strtoll(text(row, col).c_str(), nullptr, 10); }
double PgResult::real(int row, int col) const {
  if (is_null(row, col)) return std::numeric_limits<double>::quiet_NaN();
  return std::strtod(PQgetvalue(result_.get(), row, col), nullptr);
}

PgConnection::PgConnection(std::string url, std::string shown) : url_(std::move(url)), shown_(std::move(shown)) {}

PgConnection::~PgConnection() { reset(); }

void PgConnection::reset() {
  if (conn_) PQfinish(conn_);
  conn_ = nullptr;
}

void PgConnection::connect() {
  if (conn_ && PQstatus(conn_) == CONNECTION_OK) return;
  reset();
  // The URL's own connect_timeout, if any, wins over ours (later keywords override earlier ones).
  const char* keys[] = {"connect_timeout", "application_name", "dbname", nullptr};
  const char* values[] = {"5", "autodet", url_.c_str(), nullptr};
  conn_ = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (conn_ && PQstatus(conn_) == CONNECTION_OK) {
    PgResult r(PQexec(conn_, "SET client_min_messages = warning"));
    return;
  }
  const std::string why = redact_password(trimmed(conn_ ? PQerrorMessage(conn_) : "out of memory"), url_);
  reset();
  if (unreachable_message(why))
    throw StoreUnavailableError(Location{shown_, 0, "", ""}, "cannot reach the run store: " + why);
  throw StoreError(Location{shown_, 0, "", ""}, "cannot connect to the run store: " + why);
}

PgResult PgConnection::exec(const std::string& sql, const std::vector<PgParam>& params, const std::string& operation) {
  connect();
  std::vector<const char*> values;
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  pg_result* raw = PQexecParams(conn_, sql.c_str(), int(values.size()), nullptr, values.data(), nullptr, nullptr, 0);
  PgResult r(raw);
  sqlstate_.clear();
  const ExecStatusType status = raw ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return r;
  const char* state = raw ? PQresultErrorField(raw, PG_DIAG_SQLSTATE) : nullptr;
  sqlstate_ = state ? state : "";
  const std::string why = redact_password(trimmed(raw ? PQresultErrorMessage(raw) : PQerrorMessage(conn_)), url_);
  const bool lost = PQstatus(conn_) != CONNECTION_OK || sqlstate_.rfind("08", 0) == 0 || sqlstate_ == "57P01" ||
                    sqlstate_ == "57P02" || sqlstate_ == "57P03" || (sqlstate_.empty() && unreachable_message(why));
  if (lost) {
    reset();
    throw StoreUnavailableError(Location{shown_, 0, "", ""}, "cannot " + operation + ": lost the run store: " + why);
  }
  throw StoreError(Location{shown_, 0, "", ""}, "cannot " + operation + ": " + why);
}

PgTransaction::PgTransaction(PgConnection& c, std::string operation) : c_(c), operation_(std::move(operation)) {
  c_.exec("BEGIN", {}, operation_);
  open_ = true;
}

PgTransaction::~PgTransaction() {
  if (!open_) return;
  try {
    c_.exec("ROLLBACK", {}, operation_);
  } catch (const std::exception&) {  // the connection is gone; the server rolls back itself
  }
}

void PgTransaction::commit() {
  c_.exec("COMMIT", {}, operation_);
  open_ = false;
}

}  // namespace autodet::store
