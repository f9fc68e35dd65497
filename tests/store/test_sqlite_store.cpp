// The run store on SQLite: jobs, trials, status rules, metrics, best trial, concurrency, reopening, bad files.
#include <atomic>
#include <cmath>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include "core/error.h"
#include "core/fs.h"
#include "store/job_name.h"
#include "store/sqlite_store.h"
#include "store/timestamp.h"
#include "store/workspace.h"
#include "test_util.h"

using namespace autodet;
using namespace autodet::store;
using autodet::testing::TempDir;
using autodet::testing::read_text;
using autodet::testing::write_text;

namespace {

JobRecord job_named(const std::string& name) {
  JobRecord j;
  j.name = name;
  j.experiment_name = "fridge";
  j.spec = R"({"limits": {"max_trials": 3}})";
  return j;
}

TrialRecord trial_with(const std::string& params) {
  TrialRecord t;
  t.parameters = params;
  return t;
}

// A clock the test moves by hand.
struct FakeClock {
  Clock::time_point now = Clock::time_point(std::chrono::seconds(1714560000));  // 2024-05-01T10:40:00Z
  SqliteOptions options() {
    SqliteOptions o;
    o.clock = [this] { return now; };
    return o;
  }
};

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

}  // namespace

TEST(StoreStatus, TransitionsFollowTheLifeCycle) {
  using S = RunStatus;
  EXPECT_TRUE(can_transition(S::Queued, S::Running));
  EXPECT_TRUE(can_transition(S::Queued, S::Canceled));
  EXPECT_FALSE(can_transition(S::Queued, S::Completed));
  EXPECT_FALSE(can_transition(S::Queued, S::Queued));
  for (S to : {S::Completed, S::Failed, S::Terminated, S::Canceled, S::Queued}) EXPECT_TRUE(can_transition(S::Running, to));
  EXPECT_FALSE(can_transition(S::Running, S::Running));
  for (S from : {S::Completed, S::Failed, S::Terminated, S::Canceled})
    for (S to : {S::Queued, S::Running, S::Completed, S::Failed, S::Terminated, S::Canceled})
      EXPECT_FALSE(can_transition(from, to)) << to_string(from) << " -> " << to_string(to);
  for (S s : {S::Queued, S::Running, S::Completed, S::Failed, S::Terminated, S::Canceled})
    EXPECT_EQ(parse_run_status(to_string(s)), s);
  EXPECT_FALSE(parse_run_status("Completed"));
}

TEST(StoreTimestamp, Iso8601RoundTripAndOrder) {
  Clock::time_point t = Clock::time_point(std::chrono::milliseconds(1714560000123LL));
  EXPECT_EQ(iso8601_utc(t), "2024-05-01T10:40:00.123Z");
  EXPECT_EQ(parse_iso8601_utc("2024-05-01T10:40:00.123Z"), t);
  EXPECT_EQ(parse_iso8601_utc("2024-05-01T10:40:00Z"), t - std::chrono::milliseconds(123));
  EXPECT_FALSE(parse_iso8601_utc("2024-05-01 10:40:00"));
  EXPECT_FALSE(parse_iso8601_utc("2024-13-01T10:40:00Z"));
  EXPECT_FALSE(parse_iso8601_utc(""));
  EXPECT_LT(iso8601_utc(t + std::chrono::milliseconds(9)), iso8601_utc(t + std::chrono::milliseconds(10)));
  EXPECT_DOUBLE_EQ(*seconds_between("2024-05-01T10:40:00.000Z", "2024-05-01T11:41:01.500Z"), 3661.5);
  EXPECT_FALSE(seconds_between("", "2024-05-01T10:40:00.000Z"));
}

TEST(StoreJobName, SafeFolderNamesOnly) {
  for (const char* ok : {"a", "fridge-sweep_2024.05", "A1", "x.y"}) EXPECT_NO_THROW(validate_job_name(ok)) << ok;
  for (const std::string bad : {"", ".hidden", "..", "a/b", "a b", "a\\b", "naïve", "a;b", "'--"})
    EXPECT_THROW(validate_job_name(bad), UsageError) << bad;
  EXPECT_NO_THROW(validate_job_name(std::string(100, 'a')));
  EXPECT_THROW(validate_job_name(std::string(101, 'a')), UsageError);

  Rng a(7), b(7), c(8);
  std::string name = generate_job_name(a);
  EXPECT_EQ(name, generate_job_name(b));
  EXPECT_NE(name, generate_job_name(c));
  EXPECT_NO_THROW(validate_job_name(name));
  EXPECT_EQ(std::count(name.begin(), name.end(), '_'), 2) << name;
}

TEST(StoreWorkspace, PathsAndOpeningCreatesTheLayout) {
  TempDir t;
  Workspace ws(t / "ws");
  EXPECT_EQ(ws.database_path(), t / "ws/autodet.db");
  EXPECT_EQ(ws.job_dir("j1"), t / "ws/jobs/j1");
  EXPECT_EQ(ws.trial_dir("j1", "j1_3"), t / "ws/jobs/j1/trials/j1_3");
  EXPECT_EQ(ws.best_model_dir("j1"), t / "ws/jobs/j1/best_model");
  EXPECT_THROW(ws.job_dir("../etc"), UsageError);
  EXPECT_THROW(ws.trial_dir("j1", "j2_0"), UsageError);
  EXPECT_EQ(Workspace("").root(), kDefaultWorkspace);

  EXPECT_FALSE(ws.has_store());
  EXPECT_THROW(open_run_store(ws, /*create=*/false), NotFoundError);
  EXPECT_FALSE(fs_exists(ws.root()));  // looking does not create anything
  auto st = open_run_store(ws);
  EXPECT_TRUE(ws.has_store());
  EXPECT_TRUE(fs_is_dir(ws.jobs_dir()));
  EXPECT_EQ(st->location(), ws.database_path());

  write_text(t / "file", "x");
  std::string msg = message_of<StoreError>([&] { open_run_store(Workspace(t / "file")); });
  EXPECT_NE(msg.find("must be a folder"), std::string::npos) << msg;
}

TEST(StoreSqlite, CreateFindAndListJobs) {
  TempDir t;
  SqliteStore st(t / "autodet.db");
  EXPECT_EQ(st.schema_version(), SqliteStore::latest_schema_version());
  EXPECT_TRUE(st.list_jobs().empty());
  JobRecord j = job_named("first");
  j.display_name = "First job";
  j.tags = R"({"team": "vision"})";
  st.create_job(j);
  st.create_job(job_named("second"));

  auto jobs = st.list_jobs();
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_EQ(jobs[0].name, "first");
  EXPECT_EQ(jobs[1].name, "second");
  JobRecord got = st.get_job("first");
  EXPECT_EQ(got.display_name, "First job");
  EXPECT_EQ(got.experiment_name, "fridge");
  EXPECT_EQ(got.task, "image_object_detection");
  EXPECT_EQ(got.spec, j.spec);
  EXPECT_EQ(got.tags, j.tags);
  EXPECT_EQ(got.status, RunStatus::Queued);
  EXPECT_TRUE(parse_iso8601_utc(got.times.created)) << got.times.created;
  EXPECT_EQ(got.times.updated, got.times.created);
  EXPECT_TRUE(got.times.started.empty());
  EXPECT_TRUE(got.times.ended.empty());
  EXPECT_FALSE(st.find_job("third"));
  EXPECT_THROW(st.get_job("third"), NotFoundError);
}

TEST(StoreSqlite, DuplicateOrUnsafeJobNamesAreRefusedClearly) {
  TempDir t;
  SqliteStore st(t / "autodet.db");
  st.create_job(job_named("sweep"));
  std::string msg = message_of<ConflictError>([&] { st.create_job(job_named("sweep")); });
  EXPECT_NE(msg.find("sweep"), std::string::npos) << msg;
  EXPECT_NE(msg.find("already exists"), std::string::npos) << msg;
  EXPECT_NE(msg.find(t / "autodet.db"), std::string::npos) << msg;
  EXPECT_THROW(st.create_job(job_named("../up")), UsageError);
  JobRecord bad = job_named("badspec");
  bad.spec = "not json";
  EXPECT_THROW(st.create_job(bad), UsageError);
  bad.spec = "[1, 2]";
  EXPECT_THROW(st.create_job(bad), UsageError);
  JobRecord done = job_named("done");
  done.status = RunStatus::Completed;
  EXPECT_THROW(st.create_job(done), UsageError);
  EXPECT_EQ(st.list_jobs().size(), 1u);
}

TEST(StoreSqlite, TrialIdsCountFromZeroPerJobAndKeepParameters) {
  TempDir t;
  SqliteStore st(t / "autodet.db");
  st.create_job(job_named("a"));
  st.create_job(job_named("a_1"));
  EXPECT_EQ(st.create_trial("a", trial_with(R"({"model_name": "yolov5", "learning_rate": 0.01})")), "a_0");
  EXPECT_EQ(st.create_trial("a", trial_with("{}")), "a_1");
  EXPECT_EQ(st.create_trial("a_1", trial_with("{}")), "a_1_0");
  EXPECT_EQ(st.create_trial("a", trial_with("{}")), "a_2");

  auto trials = st.list_trials("a");
  ASSERT_EQ(trials.size(), 3u);
  EXPECT_EQ(trials[0].id, "a_0");
  EXPECT_EQ(trials[0].job, "a");
  EXPECT_EQ(trials[0].index, 0);
  EXPECT_EQ(trials[0].parameters, R"({"model_name": "yolov5", "learning_rate": 0.01})");
  EXPECT_EQ(trials[0].status, RunStatus::Queued);
  EXPECT_EQ(trials[2].index, 2);
  EXPECT_EQ(st.list_trials("a_1").size(), 1u);
  EXPECT_THROW(st.list_trials("nope"), NotFoundError);
  EXPECT_THROW(st.create_trial("nope", trial_with("{}")), NotFoundError);
  EXPECT_THROW(st.create_trial("a", trial_with("{oops")), UsageError);
  EXPECT_EQ(st.get_trial("a_1_0").job, "a_1");
  EXPECT_THROW(st.get_trial("a_9"), NotFoundError);
}

TEST(StoreSqlite, StatusTransitionsRecordTimesAndRejectIllegalOnes) {
  TempDir t;
  FakeClock clock;
  SqliteStore st(t / "autodet.db", clock.options());
  st.create_job(job_named("j"));
  std::string id = st.create_trial("j", trial_with("{}"));

  EXPECT_THROW(st.set_trial_status(id, RunStatus::Completed), ConflictError);  // queued -> completed
  clock.now += std::chrono::seconds(10);
  st.set_trial_status(id, RunStatus::Running);
  TrialRecord tr = st.get_trial(id);
  EXPECT_EQ(tr.status, RunStatus::Running);
  EXPECT_EQ(tr.times.started, "2024-05-01T10:40:10.000Z");
  EXPECT_TRUE(tr.times.ended.empty());
  EXPECT_THROW(st.set_trial_status(id, RunStatus::Running), ConflictError);  // two workers cannot both claim it

  // Resume: running -> queued -> running keeps the first start.
  clock.now += std::chrono::seconds(10);
  st.set_trial_status(id, RunStatus::Queued, "worker died; re-queued");
  EXPECT_EQ(st.get_trial(id).message, "worker died; re-queued");
  clock.now += std::chrono::seconds(10);
  st.set_trial_status(id, RunStatus::Running);
  clock.now += std::chrono::seconds(90);
  st.set_trial_status(id, RunStatus::Failed, "CUDA out of memory");
  tr = st.get_trial(id);
  EXPECT_EQ(tr.status, RunStatus::Failed);
  EXPECT_EQ(tr.message, "CUDA out of memory");
  EXPECT_EQ(tr.times.started, "2024-05-01T10:40:10.000Z");
  EXPECT_EQ(tr.times.ended, "2024-05-01T10:42:00.000Z");
  EXPECT_EQ(tr.times.updated, tr.times.ended);

  std::string msg = message_of<ConflictError>([&] { st.set_trial_status(id, RunStatus::Running); });
  EXPECT_NE(msg.find("from failed to running"), std::string::npos) << msg;
  EXPECT_NE(msg.find("final"), std::string::npos) << msg;
  EXPECT_THROW(st.set_trial_status("j_7", RunStatus::Running), NotFoundError);

  std::string q = st.create_trial("j", trial_with("{}"));
  st.set_trial_status(q, RunStatus::Canceled, "job timeout");  // never started
  EXPECT_TRUE(st.get_trial(q).times.started.empty());
  EXPECT_FALSE(st.get_trial(q).times.ended.empty());

  // Jobs follow the same rules.
  st.set_job_status("j", RunStatus::Running);
  st.set_job_status("j", RunStatus::Completed);
  EXPECT_THROW(st.set_job_status("j", RunStatus::Canceled), ConflictError);
  JobRecord job = st.get_job("j");
  EXPECT_EQ(job.status, RunStatus::Completed);
  EXPECT_FALSE(job.times.started.empty());
  EXPECT_FALSE(job.times.ended.empty());
  EXPECT_THROW(st.set_job_status("nope", RunStatus::Running), NotFoundError);
}

TEST(StoreSqlite, UserTextIsDataNotSql) {
  TempDir t;
  SqliteStore st(t / "autodet.db");
  JobRecord j = job_named("j");
  j.description = "'); DROP TABLE job; --";
  st.create_job(j);
  std::string id = st.create_trial("j", trial_with(R"({"x": "'); DELETE FROM trial; --"})"));
  st.set_trial_status(id, RunStatus::Running);
  st.set_trial_status(id, RunStatus::Failed, "'); DELETE FROM metric; --");
  st.record_epoch_metrics(id, 1, {{"name'); --", 1.0}});
  EXPECT_EQ(st.get_job("j").description, j.description);
  EXPECT_EQ(st.get_trial(id).message, "'); DELETE FROM metric; --");
  EXPECT_EQ(st.metric_history(id).count("name'); --"), 1u);
}

TEST(StoreSqlite, MetricHistoryIsInEpochOrderAndEpochsCanBeRewritten) {
  TempDir t;
  SqliteStore st(t / "autodet.db");
  st.create_job(job_named("j"));
  std::string id = st.create_trial("j", trial_with("{}"));
  st.record_epoch_metrics(id, 3, {{"mean_average_precision", 0.3}, {"train_loss", 1.5}});
  st.record_epoch_metrics(id, 1, {{"mean_average_precision", 0.1}, {"train_loss", 2.5}, {"precision", 0.4}});
  st.record_epoch_metrics(id, 2, {{"mean_average_precision", 0.2}, {"train_loss", NAN}});
  st.record_epoch_metrics(id, 10, {{"train_loss", 0.5}});
  st.record_epoch_metrics(id, 3, {{"mean_average_precision", 0.35}});  // re-logged after a resume

  MetricHistory h = st.metric_history(id);
  ASSERT_EQ(h.size(), 3u);
  const auto& map = h.at("mean_average_precision");
  ASSERT_EQ(map.size(), 3u);
  EXPECT_EQ(map[0].epoch, 1);
  EXPECT_EQ(map[1].epoch, 2);
  EXPECT_EQ(map[2].epoch, 3);
  EXPECT_DOUBLE_EQ(map[2].value, 0.35);
  const auto& loss = h.at("train_loss");
  ASSERT_EQ(loss.size(), 4u);
  EXPECT_TRUE(std::isnan(loss[1].value));
  EXPECT_EQ(loss[3].epoch, 10);
  EXPECT_EQ(h.at("precision").size(), 1u);

  auto best = best_point(h);
  ASSERT_TRUE(best);
  EXPECT_EQ(best->epoch, 3);
  EXPECT_FALSE(best_point(h, "recall"));

  EXPECT_THROW(st.record_epoch_metrics(id, -1, {{"x", 1}}), UsageError);
  EXPECT_THROW(st.record_epoch_metrics(id, 1, {{"", 1}}), UsageError);
  EXPECT_THROW(st.record_epoch_metrics("j_5", 1, {{"x", 1}}), NotFoundError);
  EXPECT_THROW(st.metric_history("j_5"), NotFoundError);
}

TEST(StoreSqlite, BestTrialIsHighestBestEpochMapAndTiesGoToTheEarliestTrial) {
  TempDir t;
  SqliteStore st(t / "autodet.db");
  st.create_job(job_named("j"));
  EXPECT_FALSE(st.best_trial("j"));
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(st.create_trial("j", trial_with("{}")));
    st.set_trial_status(ids.back(), RunStatus::Running);
  }
  EXPECT_FALSE(st.best_trial("j"));  // nobody has the primary metric yet
  // j_0: peaks at 0.6 then drops; the best epoch counts, not the last.
  st.record_epoch_metrics(ids[0], 1, {{"mean_average_precision", 0.6}});
  st.record_epoch_metrics(ids[0], 2, {{"mean_average_precision", 0.4}});
  // j_1: reaches 0.7 at epochs 2 and 4 (tie inside a trial -> the later epoch, whose weights
  // the trainer keeps, R4.13).
  st.record_epoch_metrics(ids[1], 1, {{"mean_average_precision", 0.5}});
  st.record_epoch_metrics(ids[1], 2, {{"mean_average_precision", 0.7}});
  st.record_epoch_metrics(ids[1], 4, {{"mean_average_precision", 0.7}});
  // j_2: also 0.7 -> tie with j_1, which is earlier.
  st.record_epoch_metrics(ids[2], 1, {{"mean_average_precision", 0.7}});
  // j_3: the highest value, but it failed.
  st.record_epoch_metrics(ids[3], 1, {{"mean_average_precision", 0.9}});
  st.set_trial_status(ids[3], RunStatus::Failed, "crashed");
  // j_4: a NaN mAP and a high value of another metric take no part.
  st.record_epoch_metrics(ids[4], 1, {{"mean_average_precision", NAN}, {"precision", 0.99}});

  auto best = st.best_trial("j");
  ASSERT_TRUE(best);
  EXPECT_EQ(best->trial, "j_1");
  EXPECT_DOUBLE_EQ(best->value, 0.7);
  EXPECT_EQ(best->epoch, 4);

  // Terminated (early-stopped) trials do take part.
  st.record_epoch_metrics(ids[4], 2, {{"mean_average_precision", 0.8}});
  st.set_trial_status(ids[4], RunStatus::Terminated, "bandit policy");
  EXPECT_EQ(st.best_trial("j")->trial, "j_4");
  EXPECT_THROW(st.best_trial("nope"), NotFoundError);
}

TEST(StoreSqlite, BestTrialRanksByCocoApWhenTheJobPicksEpochsByIt) {
  TempDir t;
  SqliteStore st(t / "autodet.db");
  JobRecord coco = job_named("c");
  coco.spec = R"({"job": {"training_parameters": {"best_epoch_metric": "coco_ap"}}})";
  st.create_job(coco);
  st.create_job(job_named("p"));
  EXPECT_EQ(ranking_metric(st.get_job("c")), kCocoApMetric);
  EXPECT_EQ(ranking_metric(st.get_job("p")), kPrimaryMetric);
  for (const char* job : {"c", "p"}) {
    // Trial 0 leads at AP@0.5, trial 1 at AP@[.5:.95] (the tighter boxes).
    const std::string a = st.create_trial(job, trial_with("{}")), b = st.create_trial(job, trial_with("{}"));
    st.record_epoch_metrics(a, 3, {{"mean_average_precision", 0.9}, {"coco_AP", 0.45}});
    st.record_epoch_metrics(b, 2, {{"mean_average_precision", 0.85}, {"coco_AP", 0.55}});
    st.record_epoch_metrics(b, 5, {{"mean_average_precision", 0.8}, {"coco_AP", 0.5}});
  }
  auto by_coco = st.best_trial("c");
  ASSERT_TRUE(by_coco);
  EXPECT_EQ(by_coco->trial, "c_1");
  EXPECT_DOUBLE_EQ(by_coco->value, 0.55);
  EXPECT_EQ(by_coco->epoch, 2);
  EXPECT_EQ(st.best_trial("p")->trial, "p_0");
  EXPECT_EQ(st.best_trial_by("c", kPrimaryMetric)->trial, "c_0");
}

TEST(StoreSqlite, ArtifactsByKindLatestPathWins) {
  TempDir t;
  SqliteStore st(t / "autodet.db");
  st.create_job(job_named("j"));
  std::string id = st.create_trial("j", trial_with("{}"));
  st.record_artifact(id, "model", "jobs/j/trials/j_0/model_epoch2.pt");
  st.record_artifact(id, "labels", "jobs/j/trials/j_0/labels.json");
  st.record_artifact(id, "model", "jobs/j/trials/j_0/model.pt");
  auto a = st.artifacts(id);
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a.at("model"), "jobs/j/trials/j_0/model.pt");
  EXPECT_EQ(a.at("labels"), "jobs/j/trials/j_0/labels.json");
  EXPECT_THROW(st.record_artifact("j_3", "model", "x"), NotFoundError);
  EXPECT_THROW(st.record_artifact(id, "", "x"), UsageError);
}

TEST(StoreSqlite, HeartbeatsFindRunningTrialsWhoseProcessDied) {
  TempDir t;
  FakeClock clock;
  SqliteStore st(t / "autodet.db", clock.options());
  st.create_job(job_named("j"));
  std::string alive = st.create_trial("j", trial_with("{}"));
  std::string dead = st.create_trial("j", trial_with("{}"));
  std::string queued = st.create_trial("j", trial_with("{}"));
  st.set_trial_status(alive, RunStatus::Running);
  st.set_trial_status(dead, RunStatus::Running);
  st.heartbeat(dead, "host-a:4242");

  clock.now += std::chrono::minutes(5);
  st.heartbeat(alive, "host-b:17");
  clock.now += std::chrono::seconds(30);
  st.record_epoch_metrics(alive, 1, {{"train_loss", 1.0}});  // metrics are a sign of life too
  clock.now += std::chrono::minutes(1);  // alive: last seen 1 min ago; dead: 6.5 min ago

  auto stale = st.stale_trials(std::chrono::minutes(2));
  ASSERT_EQ(stale.size(), 1u);
  EXPECT_EQ(stale[0].id, dead);
  EXPECT_EQ(stale[0].worker, "host-a:4242");
  EXPECT_EQ(stale[0].times.updated, "2024-05-01T10:40:00.000Z");
  EXPECT_EQ(st.stale_trials(std::chrono::minutes(20)).size(), 0u);
  EXPECT_EQ(st.stale_trials(std::chrono::seconds(1)).size(), 2u);  // queued trials are never stale
  EXPECT_EQ(st.get_trial(alive).worker, "host-b:17");
  st.heartbeat(alive, "");  // an empty worker keeps the known one
  EXPECT_EQ(st.get_trial(alive).worker, "host-b:17");
  EXPECT_THROW(st.heartbeat("j_9", "x"), NotFoundError);
  (void)queued;
}

TEST(StoreSqlite, ReopenAfterCloseKeepsEverything) {
  TempDir t;
  std::string id;
  {
    SqliteStore st(t / "autodet.db");
    st.create_job(job_named("kept"));
    st.set_job_status("kept", RunStatus::Running);
    id = st.create_trial("kept", trial_with(R"({"lr": 0.005})"));
    st.set_trial_status(id, RunStatus::Running);
    for (int e = 1; e <= 5; ++e) st.record_epoch_metrics(id, e, {{"mean_average_precision", e / 10.0}});
    st.record_artifact(id, "model", "m.pt");
    st.set_trial_status(id, RunStatus::Completed);
  }
  SqliteStore st(t / "autodet.db", SqliteOptions{/*create=*/false});
  EXPECT_EQ(st.get_job("kept").status, RunStatus::Running);
  TrialRecord tr = st.get_trial(id);
  EXPECT_EQ(tr.status, RunStatus::Completed);
  EXPECT_EQ(tr.parameters, R"({"lr": 0.005})");
  EXPECT_EQ(st.metric_history(id).at("mean_average_precision").size(), 5u);
  EXPECT_EQ(st.artifacts(id).at("model"), "m.pt");
  EXPECT_EQ(st.best_trial("kept")->epoch, 5);
  EXPECT_THROW(SqliteStore(t / "missing.db", SqliteOptions{/*create=*/false}), NotFoundError);
  EXPECT_FALSE(fs_exists(t / "missing.db"));
}

TEST(StoreSqlite, GarbageFileIsAClearError) {
  TempDir t;
  write_text(t / "autodet.db", std::string(4096, 'x') + "this is not a database");
  std::string msg = message_of<StoreError>([&] { SqliteStore st(t / "autodet.db"); });
  EXPECT_NE(msg.find(t / "autodet.db"), std::string::npos) << msg;
  EXPECT_NE(msg.find("not an SQLite database"), std::string::npos) << msg;

  // A truncated copy of a real store.
  {
    SqliteStore st(t / "real.db");
    st.create_job(job_named("j"));
  }
  std::string bytes = read_text(t / "real.db");
  write_text(t / "cut.db", bytes.substr(0, 50));
  msg = message_of<StoreError>([&] {
    SqliteStore st(t / "cut.db");
    st.list_jobs();
  });
  EXPECT_NE(msg.find(t / "cut.db"), std::string::npos) << msg;

  write_text(t / "dir/autodet.db/x", "");
  msg = message_of<StoreError>([&] { SqliteStore st(t / "dir/autodet.db"); });
  EXPECT_NE(msg.find("is a folder"), std::string::npos) << msg;
}

TEST(StoreSqlite, ForeignOrNewerDatabasesAreRefused) {
  TempDir t;
  auto raw_exec = [](const std::string& path, const char* sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    sqlite3_close(db);
  };
  raw_exec(t / "other.db", "CREATE TABLE customers (id INTEGER)");
  std::string msg = message_of<StoreError>([&] { SqliteStore st(t / "other.db"); });
  EXPECT_NE(msg.find("not an autodet run store"), std::string::npos) << msg;
  EXPECT_NE(msg.find("customers"), std::string::npos) << msg;

  { SqliteStore st(t / "newer.db"); }
  raw_exec(t / "newer.db", "INSERT INTO schema_version (version, applied_at) VALUES (99, 'x')");
  msg = message_of<StoreError>([&] { SqliteStore st(t / "newer.db"); });
  EXPECT_NE(msg.find("schema version 99"), std::string::npos) << msg;
  EXPECT_NE(msg.find("newer autodet"), std::string::npos) << msg;
}

TEST(StoreSqlite, ConcurrentThreadsOnSeparateConnectionsNeverSeeLockErrors) {
  TempDir t;
  const std::string path = t / "autodet.db";
  const int kThreads = 4, kEpochs = 60;
  std::atomic<int> failures{0};
  std::string first_error;
  std::mutex error_mutex;
  // All threads open the brand-new file at once, then each writes its own trial.
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i)
    threads.emplace_back([&, i] {
      try {
        SqliteStore st(path);
        std::string job = "job" + std::to_string(i);
        st.create_job(job_named(job));
        std::string id = st.create_trial(job, trial_with("{}"));
        st.set_trial_status(id, RunStatus::Running);
        for (int e = 1; e <= kEpochs; ++e) {
          st.record_epoch_metrics(id, e, {{"mean_average_precision", e / 100.0}, {"train_loss", 1.0 / e}});
          st.heartbeat(id, "thread" + std::to_string(i));
          st.list_jobs();  // readers interleave with writers
        }
        st.set_trial_status(id, RunStatus::Completed);
      } catch (const std::exception& e) {
        ++failures;
        std::lock_guard lock(error_mutex);
        first_error = e.what();
      }
    });
  for (auto& th : threads) th.join();
  ASSERT_EQ(failures.load(), 0) << first_error;
  SqliteStore st(path);
  ASSERT_EQ(st.list_jobs().size(), std::size_t(kThreads));
  for (int i = 0; i < kThreads; ++i) {
    std::string id = "job" + std::to_string(i) + "_0";
    EXPECT_EQ(st.get_trial(id).status, RunStatus::Completed);
    EXPECT_EQ(st.metric_history(id).at("train_loss").size(), std::size_t(kEpochs));
  }
}

TEST(StoreSqlite, ConcurrentClaimsOfOneQueuedTrialHaveOneWinner) {
  TempDir t;
  const std::string path = t / "autodet.db";
  {
    SqliteStore st(path);
    st.create_job(job_named("j"));
    st.create_trial("j", trial_with("{}"));
  }
  std::atomic<int> won{0}, lost{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i)
    threads.emplace_back([&] {
      try {
        SqliteStore st(path);
        st.set_trial_status("j_0", RunStatus::Running);
        ++won;
      } catch (const ConflictError&) {
        ++lost;
      } catch (...) {
        ++other;
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(lost.load(), 5);
  EXPECT_EQ(other.load(), 0);
}

TEST(StoreSqlite, ConcurrentProcessesWriteMetricsToOneFile) {
  TempDir t;
  const std::string path = t / "autodet.db";
  const int kProcs = 3, kEpochs = 40;
  {
    SqliteStore st(path);
    st.create_job(job_named("sweep"));
    for (int i = 0; i < kProcs; ++i) st.create_trial("sweep", trial_with("{}"));
  }  // closed before fork: a child must never use its parent's connection
  std::vector<pid_t> children;
  for (int i = 0; i < kProcs; ++i) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      int rc = 0;
      try {
        SqliteStore st(path);
        std::string id = "sweep_" + std::to_string(i);
        st.set_trial_status(id, RunStatus::Running);
        for (int e = 1; e <= kEpochs; ++e)
          st.record_epoch_metrics(id, e, {{"mean_average_precision", (i + 1) * e / 1000.0}, {"train_loss", 1.0}});
        st.set_trial_status(id, RunStatus::Completed);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "child %d: %s\n", i, e.what());
        rc = 1;
      }
      std::_Exit(rc);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "a writer process failed (see stderr)";
  }
  SqliteStore st(path);
  for (int i = 0; i < kProcs; ++i) {
    std::string id = "sweep_" + std::to_string(i);
    EXPECT_EQ(st.get_trial(id).status, RunStatus::Completed);
    EXPECT_EQ(st.metric_history(id).at("mean_average_precision").size(), std::size_t(kEpochs));
  }
  EXPECT_EQ(st.best_trial("sweep")->trial, "sweep_2");
}

// Migration 2 adds trial.config (how a sweep proposed the trial); job tags are set one at a time.
TEST(StoreSqlite, TrialConfigAndJobTags) {
  TempDir t;
  const std::string path = t / "autodet.db";
  {  // a version-1 file with a trial, as an older autodet wrote it
    SqliteStore st(path);
    st.create_job(job_named("old"));
    st.create_trial("old", trial_with("{\"learning_rate\": 0.01}"));
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db,
                           "ALTER TABLE trial DROP COLUMN config; ALTER TABLE job DROP COLUMN skipped_images; "
                           "ALTER TABLE job DROP COLUMN owner; ALTER TABLE job DROP COLUMN heartbeat_at; "
                           "ALTER TABLE trial DROP COLUMN stop_status; ALTER TABLE trial DROP COLUMN stop_reason; "
                           "DELETE FROM schema_version WHERE version >= 2",
                           nullptr, nullptr, nullptr),
              SQLITE_OK)
        << sqlite3_errmsg(db);
    sqlite3_close(db);
  }
  SqliteStore st(path);  // upgraded in place
  EXPECT_EQ(st.schema_version(), SqliteStore::latest_schema_version());
  EXPECT_EQ(st.get_job("old").skipped_images, "[]");
  EXPECT_EQ(st.get_job("old").owner, "");
  EXPECT_EQ(st.get_trial("old_0").config, "{}");
  TrialRecord tr = trial_with("{\"learning_rate\": 0.003}");
  tr.config = R"({"subspace": 1, "values": {"learning_rate": 0.003}, "source": "random"})";
  const std::string id = st.create_trial("old", tr);
  EXPECT_EQ(nlohmann::json::parse(st.get_trial(id).config)["subspace"], 1);
  tr.config = "[1]";
  EXPECT_THROW(st.create_trial("old", tr), UsageError);

  JobRecord tagged = job_named("tagged");
  tagged.tags = R"({"team": "vision"})";
  st.create_job(tagged);
  st.set_job_tag("tagged", "automl_best_child_run_id", "tagged_3");
  st.set_job_tag("tagged", "automl_best_child_run_id", "tagged_4");
  const auto tags = nlohmann::json::parse(st.get_job("tagged").tags);
  EXPECT_EQ(tags, (nlohmann::json{{"team", "vision"}, {"automl_best_child_run_id", "tagged_4"}}));
  EXPECT_THROW(st.set_job_tag("nobody", "k", "v"), NotFoundError);
}

// Migration 3: a job's unusable images, and the process that runs it with its heartbeat.
TEST(StoreSqlite, JobSkippedImagesOwnerAndHeartbeat) {
  TempDir t;
  FakeClock clock;
  SqliteStore st(t / "autodet.db", clock.options());
  st.create_job(job_named("j"));
  EXPECT_EQ(st.get_job("j").skipped_images, "[]");
  st.set_job_skipped_images("j", R"([{"path": "/d/a.jpg", "reason": "truncated JPEG"}])");
  EXPECT_EQ(nlohmann::json::parse(st.get_job("j").skipped_images)[0]["path"], "/d/a.jpg");
  EXPECT_THROW(st.set_job_skipped_images("j", "{}"), UsageError);
  EXPECT_THROW(st.set_job_skipped_images("nobody", "[]"), NotFoundError);

  EXPECT_EQ(st.get_job("j").heartbeat, "");
  st.job_heartbeat("j", "host:12:34");
  EXPECT_EQ(st.get_job("j").owner, "host:12:34");
  EXPECT_EQ(st.get_job("j").heartbeat, "2024-05-01T10:40:00.000Z");
  clock.now += std::chrono::seconds(5);
  st.job_heartbeat("j", "");
  EXPECT_EQ(st.get_job("j").owner, "");
  EXPECT_EQ(st.get_job("j").heartbeat, "2024-05-01T10:40:05.000Z");
  EXPECT_THROW(st.job_heartbeat("nobody", "x"), NotFoundError);
}
