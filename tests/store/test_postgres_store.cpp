// The run store on PostgreSQL: the same schema as SQLite, the same rules, atomic claims by many
// workers at once, no password in any message, and records kept while the server is down.
// Needs the test server (scripts/services.sh start); skips with the reason otherwise.
#include <sys/stat.h>

#include <atomic>
#include <map>
#include <mutex>
#include <cmath>
#include <set>
#include <thread>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "core/error.h"
#include "store/postgres_db.h"
#include "store/postgres_store.h"
#include "store/schema_migrations.h"
#include "store/sqlite_store.h"
#include "store/store_url.h"
#include "store/workspace.h"
#include "test_services.h"
#include "test_util.h"

using namespace autodet;
using namespace autodet::store;
using namespace autodet::testing;

namespace {

JobRecord job_named(const std::string& name) {
  JobRecord j;
  j.name = name;
  j.experiment_name = "fridge";
  j.spec = R"({"limits": {"max_trials": 3}})";
  return j;
}

std::string trial_of(RunStore& st, const std::string& job, const std::string& params = "{}") {
  TrialRecord t;
  t.parameters = params;
  return st.create_trial(job, t);
}

template <typename E, typename F>
std::string message_of(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected an exception";
  return "";
}

// table -> its column names, as SQLite has them.
std::map<std::string, std::set<std::string>> sqlite_columns(const std::string& path) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  std::map<std::string, std::set<std::string>> out;
  for (const char* table : {"job", "trial", "metric", "artifact", "schema_version"}) {
    sqlite3_stmt* s = nullptr;
    sqlite3_prepare_v2(db, (std::string("PRAGMA table_info(") + table + ")").c_str(), -1, &s, nullptr);
    while (sqlite3_step(s) == SQLITE_ROW) out[table].insert(reinterpret_cast<const char*>(sqlite3_column_text(s, 1)));
    sqlite3_finalize(s);
  }
  sqlite3_close(db);
  return out;
}

std::map<std::string, std::set<std::string>> postgres_columns(const std::string& url) {
  PgConnection c(url, redact_url(url));
  const PgResult r = c.exec(
      "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()", {},
      "read the columns");
  std::map<std::string, std::set<std::string>> out;
  for (int i = 0; i < r.rows(); ++i) out[r.text(i, 0)].insert(r.text(i, 1));
  return out;
}

}  // namespace

TEST(StoreUrl, RedactsThePassword) {
  EXPECT_EQ(redact_url("postgresql://ann:s3cret@db.lab:5432/runs"), "postgresql://ann@db.lab:5432/runs");
  EXPECT_EQ(redact_url("postgres://ann:s3cret@db/runs?sslmode=require"), "postgres://ann@db/runs?sslmode=require");
  EXPECT_EQ(redact_url("postgresql://db/runs?user=ann&password=s3cret&sslmode=require"),
            "postgresql://db/runs?user=ann&sslmode=require");
  EXPECT_EQ(redact_url("postgresql://db/runs?password=s3cret"), "postgresql://db/runs");
  EXPECT_EQ(redact_url("postgresql://ann@db/runs"), "postgresql://ann@db/runs");
  EXPECT_EQ(redact_password("FATAL: password s3cret for ann", "postgresql://ann:s3cret@db/runs"),
            "FATAL: password *** for ann");
  EXPECT_TRUE(is_postgres_url("postgresql://db/x"));
  EXPECT_FALSE(is_postgres_url("sqlite:///x.db"));
}

// A workspace names its server database in store.url; $AUTODET_STORE (what --store sets) wins.
TEST(StoreUrl, WorkspaceSettingAndEnvironment) {
  TempDir t;
  Workspace ws(t / "ws");
  EXPECT_EQ(ws.store_url(), "");
  EXPECT_FALSE(ws.has_store());
  write_text(ws.store_url_path(), "postgresql://ann@db.lab/runs\n");
  EXPECT_EQ(ws.store_url(), "postgresql://ann@db.lab/runs");
  EXPECT_TRUE(ws.has_store());
  {
    ScopedEnv env(kStoreEnv, "postgresql://bob@other/runs");
    EXPECT_EQ(ws.store_url(), "postgresql://bob@other/runs");
  }
  write_text(ws.store_url_path(), "mysql://ann:pw@db/runs\n");
  const std::string m = message_of<UsageError>([&] { open_run_store(ws, true); });
  EXPECT_NE(m.find("store.url"), std::string::npos) << m;
  EXPECT_NE(m.find("is not a run store URL"), std::string::npos) << m;
  EXPECT_EQ(m.find(":pw@"), std::string::npos) << m;
}

// One list of migrations builds both: the same version and the same columns in every table.
TEST(PostgresStore, SameSchemaAsSqlite) {
  AUTODET_REQUIRE_POSTGRES(server);
  TestDatabase db(server);
  TempDir t;
  {
    SqliteStore sq(t / "a.db");
    PostgresStore pg(db.url());
    EXPECT_EQ(pg.schema_version(), sq.schema_version());
    EXPECT_EQ(pg.schema_version(), latest_schema_version());
  }
  const auto pg = postgres_columns(db.url());
  const auto sq = sqlite_columns(t / "a.db");
  ASSERT_EQ(sq.size(), 5u);
  for (const auto& [table, columns] : sq) {
    ASSERT_TRUE(pg.count(table)) << table;
    EXPECT_EQ(pg.at(table), columns) << table;
  }
  // Opening again changes nothing; a database that holds something else is refused.
  EXPECT_EQ(PostgresStore(db.url()).schema_version(), latest_schema_version());
  TestDatabase other(server);
  postgres_exec(other.url(), "CREATE TABLE inventory (id int)");
  const std::string m = message_of<StoreError>([&] { PostgresStore p(other.url()); });
  EXPECT_NE(m.find("not an autodet run store"), std::string::npos) << m;
}

TEST(PostgresStore, JobsTrialsMetricsAndTheStatusRules) {
  AUTODET_REQUIRE_POSTGRES(server);
  TestDatabase db(server);
  PostgresStore st(db.url());
  st.create_job(job_named("fridge-1"));
  EXPECT_NE(message_of<ConflictError>([&] { st.create_job(job_named("fridge-1")); }).find("already exists"),
            std::string::npos);
  const std::string a = trial_of(st, "fridge-1", R"({"learning_rate": 0.01})");
  const std::string b = trial_of(st, "fridge-1", R"({"learning_rate": 0.02})");
  EXPECT_EQ(a, "fridge-1_0");
  EXPECT_EQ(b, "fridge-1_1");
  EXPECT_THROW(st.set_trial_status(a, RunStatus::Completed), ConflictError);  // queued cannot complete
  st.set_trial_status(a, RunStatus::Running);
  st.record_epoch_metrics(a, 0, {{kPrimaryMetric, 0.25}, {"loss", std::nan("")}});
  st.record_epoch_metrics(a, 1, {{kPrimaryMetric, 0.5}});
  st.record_epoch_metrics(a, 1, {{kPrimaryMetric, 0.625}});  // again for the same epoch: replaced
  st.record_artifact(a, "model", "/ws/jobs/fridge-1/trials/fridge-1_0/model");
  st.set_trial_status(a, RunStatus::Completed);
  EXPECT_THROW(st.set_trial_status(a, RunStatus::Failed), ConflictError);  // final
  const MetricHistory h = st.metric_history(a);
  ASSERT_EQ(h.at(kPrimaryMetric).size(), 2u);
  EXPECT_DOUBLE_EQ(h.at(kPrimaryMetric)[1].value, 0.625);
  EXPECT_TRUE(std::isnan(h.at("loss")[0].value));
  EXPECT_EQ(st.artifacts(a).at("model"), "/ws/jobs/fridge-1/trials/fridge-1_0/model");
  const auto best = st.best_trial("fridge-1");
  ASSERT_TRUE(best);
  EXPECT_EQ(best->trial, a);
  EXPECT_EQ(best->epoch, 1);
  st.set_job_tag("fridge-1", "automl_best_child_run_id", a);
  st.set_job_status("fridge-1", RunStatus::Running);
  const JobRecord j = st.get_job("fridge-1");
  EXPECT_NE(j.tags.find("automl_best_child_run_id"), std::string::npos);
  EXPECT_FALSE(j.times.started.empty());
  // A stop request is kept once and only for a trial that has not ended.
  st.request_trial_stop(b, RunStatus::Terminated, "bandit: below the slack");
  st.request_trial_stop(b, RunStatus::Canceled, "later request");
  const TrialRecord tb = st.get_trial(b);
  ASSERT_TRUE(tb.stop_status);
  EXPECT_EQ(*tb.stop_status, RunStatus::Terminated);
  EXPECT_EQ(tb.stop_reason, "bandit: below the slack");
  EXPECT_FALSE(st.get_trial(a).stop_status);
  st.request_trial_stop(a, RunStatus::Terminated, "too late");
  EXPECT_FALSE(st.get_trial(a).stop_status);
  EXPECT_THROW(st.get_trial("fridge-1_9"), NotFoundError);
  EXPECT_THROW(st.record_epoch_metrics("fridge-1_9", 0, {{"x", 1}}), NotFoundError);
}

// Many workers claim at once: every trial is taken exactly once (FOR UPDATE SKIP LOCKED).
TEST(PostgresStore, ConcurrentClaimsTakeEachTrialOnce) {
  AUTODET_REQUIRE_POSTGRES(server);
  TestDatabase db(server);
  PostgresStore st(db.url());
  st.create_job(job_named("many"));
  constexpr int kTrials = 60;
  for (int i = 0; i < kTrials; ++i) trial_of(st, "many");
  std::mutex mutex;
  std::multiset<std::string> claimed;
  std::vector<std::thread> workers;
  for (int w = 0; w < 6; ++w)
    workers.emplace_back([&, w] {
      PostgresStore mine(db.url());
      while (auto t = mine.claim_trial("many", "worker-" + std::to_string(w))) {
        EXPECT_EQ(t->status, RunStatus::Running);
        EXPECT_EQ(t->worker, "worker-" + std::to_string(w));
        std::lock_guard lock(mutex);
        claimed.insert(t->id);
      }
    });
  for (auto& w : workers) w.join();
  EXPECT_EQ(claimed.size(), std::size_t(kTrials));
  for (const auto& id : claimed) EXPECT_EQ(claimed.count(id), 1u) << id;
  EXPECT_FALSE(st.claim_trial("many", "late"));
}

// The password appears neither in location() nor in any message, whatever fails.
TEST(PostgresStore, ThePasswordIsNeverShown) {
  AUTODET_REQUIRE_POSTGRES(server);
  const auto at = server.find('@');
  const auto colon = server.rfind(':', at);
  ASSERT_NE(at, std::string::npos);
  const std::string password = server.substr(colon + 1, at - colon - 1);
  ASSERT_FALSE(password.empty());
  TestDatabase db(server);
  {
    PostgresStore st(db.url());
    EXPECT_EQ(st.location().find(password), std::string::npos) << st.location();
    EXPECT_NE(st.location().find("postgresql://autodet@127.0.0.1"), std::string::npos) << st.location();
    const std::string m = message_of<NotFoundError>([&] { st.get_job("absent"); });
    EXPECT_EQ(m.find(password), std::string::npos) << m;
  }
  // Wrong password: refused at once, without either password in the message.
  const std::string wrong = db.url().substr(0, colon + 1) + "Wr0ngPassw0rd" + db.url().substr(at);
  const std::string m1 = message_of<StoreError>([&] { PostgresStore st(wrong); });
  EXPECT_EQ(m1.find("Wr0ngPassw0rd"), std::string::npos) << m1;
  EXPECT_NE(m1.find("password authentication failed"), std::string::npos) << m1;
  // No server on that port: unreachable after the patience, and no password either.
  ScopedEnv patience("AUTODET_STORE_PATIENCE_SECONDS", "1");
  const std::string m2 = message_of<StoreUnavailableError>([&] { PostgresStore st("postgresql://ann:S3cretPw@127.0.0.1:9/x"); });
  EXPECT_EQ(m2.find("S3cretPw"), std::string::npos) << m2;
  EXPECT_NE(m2.find("postgresql://ann@127.0.0.1:9/x"), std::string::npos) << m2;
}

// The server stops: records are kept in order and the call returns at once; reads wait; when the
// server is back, everything kept is written.
TEST(PostgresStore, KeepsRecordsWhileTheServerIsDown) {
  AUTODET_REQUIRE_POSTGRES(server);
  TempDir t;
  ::chmod(t.path().c_str(), 0755);  // the postgres user runs the private server inside it
  const std::string script = std::string(AUTODET_SOURCE_DIR) + "/scripts/services.sh";
  const std::string port = std::to_string(56000 + ::getpid() % 2000);
  const std::string dir = t / "pg";
  const auto start = [&] { return std::system((script + " postgres start " + dir + " " + port + " > " + (t / "url")).c_str()); };
  ASSERT_EQ(start(), 0);
  std::string url = read_text(t / "url");
  url = url.substr(0, url.find('\n'));
  {
    PostgresStore st(url);
    st.create_job(job_named("outage"));
    const std::string a = trial_of(st, "outage");
    st.set_trial_status(a, RunStatus::Running);
    st.record_epoch_metrics(a, 0, {{kPrimaryMetric, 0.1}});
    ASSERT_EQ(std::system((script + " postgres stop " + dir + " " + port).c_str()), 0);
    const auto before = std::chrono::steady_clock::now();
    for (int e = 1; e <= 3; ++e) st.record_epoch_metrics(a, e, {{kPrimaryMetric, 0.1 * (e + 1)}});
    st.heartbeat(a, "w");
    st.record_artifact(a, "model", "/m");
    EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - before).count(), 5.0);
    EXPECT_GE(st.kept_records(), 4u);
    std::thread restart([&] {
      std::this_thread::sleep_for(std::chrono::seconds(2));
      start();
    });
    st.set_trial_status(a, RunStatus::Completed);  // waits for the server, then writes what was kept first
    restart.join();
    EXPECT_EQ(st.kept_records(), 0u);
    const MetricHistory h = st.metric_history(a);
    ASSERT_EQ(h.at(kPrimaryMetric).size(), 4u);
    EXPECT_DOUBLE_EQ(h.at(kPrimaryMetric)[3].value, 0.4);
    EXPECT_EQ(st.artifacts(a).at("model"), "/m");
    EXPECT_EQ(st.get_trial(a).status, RunStatus::Completed);
  }
  std::system((script + " postgres stop " + dir + " " + port).c_str());
}
