#include "store/schema_migrations.h"

#include <regex>

namespace autodet::store {

const std::vector<Migration>& schema_migrations() {
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
      // A scheduler's request that a trial running elsewhere (a Slurm worker) stop: the status it
      // should end with (terminated, canceled) and why. Workers read it; '' = none.
      {4,
       {"ALTER TABLE trial ADD COLUMN stop_status TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE trial ADD COLUMN stop_reason TEXT NOT NULL DEFAULT ''"}},
  };
  return m;
}

int latest_schema_version() { return schema_migrations().back().version; }

std::string postgres_statement(const std::string& sql) {
  static const std::regex real_type(R"(\bREAL\b)");
  return std::regex_replace(sql, real_type, "DOUBLE PRECISION");
}

}  // namespace autodet::store
