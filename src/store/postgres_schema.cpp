#include "store/postgres_schema.h"

#include "store/schema_migrations.h"
#include "store/store_error.h"

namespace autodet::store {
namespace {

constexpr const char* kMigrationLock = "7261746f64657401";  // any fixed number; "autodet" in hex

bool has_table(PgConnection& c, const std::string& name) {
  return c.exec("SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1",
                {name}, "read the schema").rows() > 0;
}

}  // namespace

int postgres_schema_version(PgConnection& c) {
  if (!has_table(c, "schema_version")) return 0;
  return int(c.exec("SELECT COALESCE(MAX(version), 0) FROM schema_version", {}, "read the schema version").integer(0, 0));
}

void postgres_migrate(PgConnection& c, const std::string& now, bool create) {
  const std::string operation = "prepare the run store schema";
  PgTransaction txn(c, operation);
  c.exec(std::string("SELECT pg_advisory_xact_lock(x'") + kMigrationLock + "'::bigint)", {}, operation);
  int version = 0;
  if (has_table(c, "schema_version")) {
    version = postgres_schema_version(c);
  } else {
    if (!create) throw NotFoundError(Location{c.shown(), 0, "", ""}, "no run store in this database yet (nothing has run here)");
    const PgResult other = c.exec(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() LIMIT 1", {}, operation);
    if (other.rows() > 0)
      throw StoreError(Location{c.shown(), 0, "", ""},
                       "a PostgreSQL database, but not an autodet run store (it has a table '" + other.text(0, 0) +
                           "' and no schema_version); choose an empty database");
    c.exec("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)", {}, operation);
  }
  if (version > latest_schema_version())
    throw StoreError(Location{c.shown(), 0, "", ""},
                     "the run store has schema version " + std::to_string(version) + ", written by a newer autodet; " +
                         "this one knows up to version " + std::to_string(latest_schema_version()));
  for (const Migration& m : schema_migrations()) {
    if (m.version <= version) continue;
    for (const char* sql : m.statements)
      c.exec(postgres_statement(sql), {}, "migrate the schema to version " + std::to_string(m.version));
    c.exec("INSERT INTO schema_version (version, applied_at) VALUES ($1, $2)", {std::to_string(m.version), now},
           "record the schema version");
  }
  txn.commit();
}

}  // namespace autodet::store
