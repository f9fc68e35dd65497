#include "store/sqlite_schema.h"

#include "store/schema_migrations.h"
#include "store/store_error.h"

namespace autodet::store {
namespace {

bool has_table(SqliteDb& db, const char* name) {
  Query q(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1", "read the schema");
  q.bind(1, name);
  return q.step();
}

}  // namespace

int sqlite_latest_schema_version() { return latest_schema_version(); }

int sqlite_schema_version(SqliteDb& db) {
  if (!has_table(db, "schema_version")) return 0;
  Query q(db, "SELECT COALESCE(MAX(version), 0) FROM schema_version", "read the schema version");
  q.step();
  return static_cast<int>(q.integer(0));
}

void sqlite_migrate(SqliteDb& db, const std::string& now) {
  Transaction txn(db, "prepare the run store schema");
  int version = 0;
  if (has_table(db, "schema_version")) {
    version = sqlite_schema_version(db);
  } else {
    std::string foreign_table;
    {
      Query q(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
              "read the schema");
      if (q.step()) foreign_table = q.text(0);
    }
    if (!foreign_table.empty())
      throw StoreError(Location{db.path(), 0, "", ""},
                       "an SQLite database, but not an autodet run store (it has a table '" + foreign_table +
                           "' and no schema_version); move it away or choose another workspace");
    db.exec("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)",
            "create the schema_version table");
  }
  if (version > sqlite_latest_schema_version())
    throw StoreError(Location{db.path(), 0, "", ""},
                     "the run store has schema version " + std::to_string(version) + ", written by a newer autodet; " +
                         "this one knows up to version " + std::to_string(sqlite_latest_schema_version()));
  for (const Migration& m : schema_migrations()) {
    if (m.version <= version) continue;
    for (const char* sql : m.statements) db.exec(sql, "migrate the schema to version " + std::to_string(m.version));
    Query q(db, "INSERT INTO schema_version (version, applied_at) VALUES (?1, ?2)", "record the schema version");
    q.bind(1, m.version).bind(2, now).run();
  }
  txn.commit();
}

}  // namespace autodet::store
