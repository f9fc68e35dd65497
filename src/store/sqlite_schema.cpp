#include "store/sqlite_schema.h"

#include <vector>

#include "store/store_error.h"

namespace autodet::store {
namespace {

// One step of the schema. Never edit a released step; append a new one.
struct Migration {
  int version;
  std::vector<const char*> statements;
};

const std::vector<Migration>& migrations() {
  static const std::vector<Migration> m = {
      {1,
       {
           R"(CREATE TABLE job (
                name            TEXT PRIMARY KEY,
                experiment_name TEXT NOT NULL DEFAULT '',
                display_name    TEXT NOT NULL DEFAULT '',
                description     TEXT NOT NULL DEFAULT '',
                task            TEXT NOT NULL,
                spec            TEXT NOT NULL DEFAULT '{}',
                tags            TEXT NOT NULL DEFAULT '{}',
                status          TEXT NOT NULL CHECK (status IN
                                  ('queued','running','completed','failed','terminated','canceled')),
                message         TEXT NOT NULL DEFAULT '',
                created_at      TEXT NOT NULL,
                started_at      TEXT,
                ended_at        TEXT,
                updated_at      TEXT NOT NULL))",
           R"(CREATE TABLE trial (
                id              TEXT PRIMARY KEY,
                job             TEXT NOT NULL REFERENCES job(name) ON DELETE CASCADE,
                idx             INTEGER NOT NULL,
                parameters      TEXT NOT NULL DEFAULT '{}',
                status          TEXT NOT NULL CHECK (status IN
                                  ('queued','running','completed','failed','terminated','canceled')),
                message         TEXT NOT NULL DEFAULT '',
                worker          TEXT NOT NULL DEFAULT '',
                created_at      TEXT NOT NULL,
                started_at      TEXT,
                ended_at        TEXT,
                heartbeat_at    TEXT NOT NULL,
                UNIQUE (job, idx)))",
           "CREATE INDEX trial_by_status ON trial(status, heartbeat_at)",
           R"(CREATE TABLE metric (
                trial           TEXT NOT NULL REFERENCES trial(id) ON DELETE CASCADE,
                name            TEXT NOT NULL,
                epoch           INTEGER NOT NULL,
                value           REAL,
                recorded_at     TEXT NOT NULL,
                PRIMARY KEY (trial, name, epoch)))",
           R"(CREATE TABLE artifact (
                trial           TEXT NOT NULL REFERENCES trial(id) ON DELETE CASCADE,
                kind            TEXT NOT NULL,
                path            TEXT NOT NULL,
                recorded_at     TEXT NOT NULL,
                PRIMARY KEY (trial, kind)))",
       }},
      // How a scheduler proposed each trial (sweeps, AutoMode): enough to rebuild its sampler's history.
      {2, {"ALTER TABLE trial ADD COLUMN config TEXT NOT NULL DEFAULT '{}'"}},
      // Images a job left out because they cannot be decoded; which process runs the job
      // ("host:pid:start") and its last sign of life, so a killed job can be told from a running one.
      {3,
       {"ALTER TABLE job ADD COLUMN skipped_images TEXT NOT NULL DEFAULT '[]'",
        "ALTER TABLE job ADD COLUMN owner TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE job ADD COLUMN heartbeat_at TEXT"}},
  };
  return m;
}

bool has_table(SqliteDb& db, const char* name) {
  Query q(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1", "read the schema");
  q.bind(1, name);
  return q.step();
}

}  // namespace

int sqlite_latest_schema_version() { return migrations().back().version; }

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
  for (const Migration& m : migrations()) {
    if (m.version <= version) continue;
    for (const char* sql : m.statements) db.exec(sql, "migrate the schema to version " + std::to_string(m.version));
    Query q(db, "INSERT INTO schema_version (version, applied_at) VALUES (?1, ?2)", "record the schema version");
    q.bind(1, m.version).bind(2, now).run();
  }
  txn.commit();
}

}  // namespace autodet::store
