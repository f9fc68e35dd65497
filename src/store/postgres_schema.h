#pragma once
// Internal to the store: bringing a PostgreSQL database to the run store's schema with the
// migrations SQLite uses (schema_migrations.h), one process at a time (an advisory lock).
#include <string>

#include "store/postgres_db.h"

namespace autodet::store {

// Applies missing migrations in one transaction. StoreError when the database holds other
// tables and no run store, or was written by a newer autodet; NotFoundError when create is false
// and there is no run store yet.
void postgres_migrate(PgConnection& c, const std::string& now, bool create);
// The version recorded in the database (0 for an empty one).
int postgres_schema_version(PgConnection& c);

}  // namespace autodet::store
