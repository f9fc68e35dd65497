#pragma once
// Internal to the store: the run store's schema as one list of numbered migrations, written in
// the SQL both SQLite and PostgreSQL accept, with the one translation PostgreSQL needs.
#include <string>
#include <vector>

namespace autodet::store {

// One step of the schema. Never edit a released step; append a new one.
struct Migration {
  int version;
  std::vector<const char*> statements;
};

// Every step, oldest first; the same list builds the SQLite file and the PostgreSQL database.
const std::vector<Migration>& schema_migrations();
// The newest schema version this build knows.
int latest_schema_version();
// A migration statement as PostgreSQL runs it: REAL (4 bytes there, 8 in SQLite) becomes
// DOUBLE PRECISION; everything else is portable SQL.
std::string postgres_statement(const std::string& sql);

}  // namespace autodet::store
