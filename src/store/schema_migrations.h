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
// The columns of the job and trial tables at the newest version, in the order both stores read
// them back (one list, so a migration that adds a column changes every backend's reads at once).
inline constexpr const char* kJobColumns =
    "name, experiment_name, display_name, description, task, spec, tags, status, message, "
    "created_at, started_at, ended_at, updated_at, skipped_images, owner, heartbeat_at";
inline constexpr const char* kTrialColumns =
    "id, job, idx, parameters, status, message, worker, created_at, started_at, ended_at, heartbeat_at, config, "
    "stop_status, stop_reason";

// The newest schema version this build knows.
int latest_schema_version();
// A migration statement as PostgreSQL runs it: REAL (4 bytes there, 8 in SQLite) becomes
// DOUBLE PRECISION; everything else is portable SQL.
std::string postgres_statement(const std::string& sql);

}  // namespace autodet::store
