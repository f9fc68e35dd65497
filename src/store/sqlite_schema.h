#pragma once
// Internal to the store: the SQLite schema as numbered migrations, and bringing a file up to date.
#include <string>

#include "store/sqlite_db.h"

namespace autodet::store {

// The newest schema version this build knows.
int sqlite_latest_schema_version();
// Applies missing migrations in one transaction (safe when several processes open the file at
// once). StoreError when the file belongs to something else or to a newer autodet.
// now: the timestamp recorded with each applied migration.
void sqlite_migrate(SqliteDb& db, const std::string& now);
// The version recorded in the file (0 for a fresh one).
int sqlite_schema_version(SqliteDb& db);

}  // namespace autodet::store
