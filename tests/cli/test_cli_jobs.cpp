// `autodet jobs list` and `autodet jobs show`, against a workspace filled through the store API.
#include <cmath>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/fs.h"
#include "store/workspace.h"
#include "test_util.h"

using namespace autodet::testing;
using namespace autodet::store;

namespace {

// Two jobs: "fridge-sweep" (three trials: completed, terminated, failed) and "queued-one" (no trials).
void fill_workspace(const std::string& root) {
  auto st = open_run_store(Workspace(root));
  JobRecord job;
  job.name = "fridge-sweep";
  job.experiment_name = "fridge";
  job.display_name = "Fridge sweep";
  job.spec = R"({"limits": {"max_trials": 3}})";
  job.tags = R"({"owner": "cv"})";
  st->create_job(job);
  st->set_job_status("fridge-sweep", RunStatus::Running);

  TrialRecord t;
  t.parameters = R"({"model_name": "yolov5", "learning_rate": 0.01})";
  std::string a = st->create_trial("fridge-sweep", t);
  t.parameters = R"({"model_name": "fasterrcnn_resnet50_fpn", "learning_rate": 0.005})";
  std::string b = st->create_trial("fridge-sweep", t);
  t.parameters = R"({"model_name": "retinanet_resnet50_fpn"})";
  std::string c = st->create_trial("fridge-sweep", t);
  for (const auto& id : {a, b, c}) st->set_trial_status(id, RunStatus::Running);
  for (int e = 1; e <= 3; ++e) {
    st->record_epoch_metrics(a, e, {{"mean_average_precision", 0.2 * e}, {"precision", 0.5}, {"recall", 0.25 * e},
                                    {"train_loss", 3.0 / e}});
    st->record_epoch_metrics(b, e, {{"mean_average_precision", e == 2 ? 0.75 : 0.1}, {"train_loss", NAN}});
  }
  st->record_epoch_metrics(c, 1, {{"mean_average_precision", 0.99}});
  st->record_artifact(b, "model", "jobs/fridge-sweep/trials/fridge-sweep_1/model.pt");
  st->set_trial_status(a, RunStatus::Completed);
  st->set_trial_status(b, RunStatus::Terminated, "bandit policy");
  st->set_trial_status(c, RunStatus::Failed, "CUDA out of memory");
  st->set_job_status("fridge-sweep", RunStatus::Completed);

  JobRecord q;
  q.name = "queued-one";
  st->create_job(q);
}

}  // namespace

TEST(CliJobs, ListOfAWorkspaceWithoutStoreIsEmptyAndCreatesNothing) {
  TempDir t;
  std::string out;
  ASSERT_EQ(run_autodet("jobs list --workspace " + (t / "ws"), &out), 0) << out;
  EXPECT_NE(out.find("no jobs in " + (t / "ws")), std::string::npos) << out;
  ASSERT_EQ(run_autodet("-q jobs list --json --workspace " + (t / "ws"), &out), 0) << out;
  EXPECT_EQ(nlohmann::json::parse(out), nlohmann::json::array());
  EXPECT_FALSE(autodet::fs_exists(t / "ws"));
}

TEST(CliJobs, ListPrintsAnAlignedTable) {
  TempDir t;
  fill_workspace(t / "ws");
  std::string out;
  ASSERT_EQ(run_autodet("jobs list --workspace " + (t / "ws"), &out), 0) << out;
  std::vector<std::string> lines;
  for (std::size_t p = 0, q; (q = out.find('\n', p)) != std::string::npos; p = q + 1) lines.push_back(out.substr(p, q - p));
  ASSERT_EQ(lines.size(), 3u) << out;
  EXPECT_EQ(lines[0].find("NAME"), 0u) << out;
  for (const char* col : {"STATUS", "TRIALS", "BEST mAP", "CREATED", "DURATION"})
    EXPECT_NE(lines[0].find(col), std::string::npos) << col;
  EXPECT_EQ(lines[1].find("fridge-sweep"), 0u) << out;
  EXPECT_NE(lines[1].find("completed"), std::string::npos) << out;
  EXPECT_NE(lines[1].find("0.75000"), std::string::npos) << out;  // the failed trial's 0.99 does not count
  EXPECT_EQ(lines[2].find("queued-one"), 0u) << out;
  // Columns line up: STATUS starts at the same offset in every row.
  std::size_t col = lines[0].find("STATUS");
  EXPECT_EQ(lines[1].substr(col, 9), "completed") << out;
  EXPECT_EQ(lines[2].substr(col, 6), "queued") << out;

  ASSERT_EQ(run_autodet("-q jobs list --json --workspace " + (t / "ws"), &out), 0) << out;
  auto j = nlohmann::json::parse(out);
  ASSERT_EQ(j.size(), 2u);
  EXPECT_EQ(j[0]["name"], "fridge-sweep");
  EXPECT_EQ(j[0]["trial_count"], 3);
  EXPECT_EQ(j[0]["best_trial"], "fridge-sweep_1");
  EXPECT_TRUE(j[0]["duration_seconds"].is_number());
  EXPECT_TRUE(j[1]["best_trial"].is_null());
  EXPECT_TRUE(j[1]["duration_seconds"].is_null());
}

// A job that keeps epochs by COCO AP@[.5:.95] ranks its trials, and shows them, by it too.
TEST(CliJobs, ACocoApRankedJobShowsItsTrialsByCocoAp) {
  TempDir t;
  {
    auto st = open_run_store(Workspace(t / "ws"));
    JobRecord job;
    job.name = "tight";
    job.spec = R"({"job": {"training_parameters": {"best_epoch_metric": "coco_ap"}}})";
    st->create_job(job);
    TrialRecord tr;
    const std::string a = st->create_trial("tight", tr), b = st->create_trial("tight", tr);
    for (const auto& id : {a, b}) st->set_trial_status(id, RunStatus::Running);
    st->record_epoch_metrics(a, 1, {{"mean_average_precision", 0.9}, {"coco_AP", 0.4}});
    st->record_epoch_metrics(b, 3, {{"mean_average_precision", 0.8}, {"coco_AP", 0.6}});
    st->record_epoch_metrics(b, 4, {{"mean_average_precision", 0.85}, {"coco_AP", 0.5}});
    for (const auto& id : {a, b}) st->set_trial_status(id, RunStatus::Completed);
  }
  std::string out;
  ASSERT_EQ(run_autodet("jobs show tight --workspace " + (t / "ws"), &out), 0) << out;
  for (const char* s : {"best trial   tight_1 (coco_AP 0.60000 at epoch 4)", "BEST COCO AP"})
    EXPECT_NE(out.find(s), std::string::npos) << s << "\n" << out;
  EXPECT_LT(out.find("tight_1  "), out.find("tight_0  ")) << "best first\n" << out;
  ASSERT_EQ(run_autodet("-q jobs list --json --workspace " + (t / "ws"), &out), 0) << out;
  const auto j = nlohmann::json::parse(out);
  EXPECT_EQ(j[0]["ranking_metric"], "coco_AP");
  EXPECT_EQ(j[0]["best_trial"], "tight_1");
  EXPECT_DOUBLE_EQ(j[0]["best_metric"].get<double>(), 0.6);
}

TEST(CliJobs, ShowPrintsTheJobAndItsTrials) {
  TempDir t;
  fill_workspace(t / "ws");
  std::string out;
  ASSERT_EQ(run_autodet("jobs show fridge-sweep --workspace " + (t / "ws"), &out), 0) << out;
  for (const char* s : {"fridge-sweep", "experiment   fridge", "best trial   fridge-sweep_1 (mean_average_precision 0.75000 at epoch 3)",
                        "TRIAL", "PARAMETERS", "fridge-sweep_0", "learning_rate=0.01 model_name=yolov5", "terminated",
                        "fridge-sweep_2 (failed): CUDA out of memory"})
    EXPECT_NE(out.find(s), std::string::npos) << s << "\n" << out;

  ASSERT_EQ(run_autodet("jobs show fridge-sweep --epochs --workspace " + (t / "ws"), &out), 0) << out;
  EXPECT_NE(out.find("EPOCH"), std::string::npos) << out;
  EXPECT_NE(out.find("train_loss"), std::string::npos) << out;
  EXPECT_NE(out.find("nan"), std::string::npos) << out;

  ASSERT_EQ(run_autodet("jobs show queued-one --workspace " + (t / "ws"), &out), 0) << out;
  EXPECT_NE(out.find("no trials yet"), std::string::npos) << out;
  EXPECT_NE(out.find("none yet"), std::string::npos) << out;
}

TEST(CliJobs, ShowJsonHasTheJobTrialsMetricsAndBestTrial) {
  TempDir t;
  fill_workspace(t / "ws");
  std::string out;
  ASSERT_EQ(run_autodet("-q jobs show fridge-sweep --json --workspace " + (t / "ws"), &out), 0) << out;
  auto j = nlohmann::json::parse(out);
  EXPECT_EQ(j["name"], "fridge-sweep");
  EXPECT_EQ(j["status"], "completed");
  EXPECT_EQ(j["experiment_name"], "fridge");
  EXPECT_EQ(j["display_name"], "Fridge sweep");
  EXPECT_EQ(j["task"], "image_object_detection");
  EXPECT_EQ(j["spec"]["limits"]["max_trials"], 3);
  EXPECT_EQ(j["tags"]["owner"], "cv");
  for (const char* k : {"created", "started", "ended", "updated"}) EXPECT_TRUE(j[k].is_string()) << k;
  EXPECT_TRUE(j["duration_seconds"].is_number());
  EXPECT_EQ(j["best_trial"], "fridge-sweep_1");
  EXPECT_DOUBLE_EQ(j["best_metric"].get<double>(), 0.75);
  EXPECT_EQ(j["best_epoch"], 2);

  const auto& trials = j["trials"];
  ASSERT_EQ(trials.size(), 3u);
  EXPECT_EQ(trials[0]["id"], "fridge-sweep_0");
  EXPECT_EQ(trials[0]["index"], 0);
  EXPECT_EQ(trials[0]["status"], "completed");
  EXPECT_EQ(trials[0]["parameters"]["model_name"], "yolov5");
  EXPECT_DOUBLE_EQ(trials[0]["parameters"]["learning_rate"].get<double>(), 0.01);
  const auto& map = trials[0]["metrics"]["mean_average_precision"];
  ASSERT_EQ(map.size(), 3u);
  EXPECT_NEAR(map[0].get<double>(), 0.2, 1e-12);
  EXPECT_NEAR(map[2].get<double>(), 0.6, 1e-12);
  EXPECT_EQ(trials[0]["metric_epochs"]["mean_average_precision"], nlohmann::json({1, 2, 3}));
  for (const char* m : {"precision", "recall", "train_loss"}) EXPECT_EQ(trials[0]["metrics"][m].size(), 3u) << m;
  EXPECT_NEAR(trials[0]["best_metric"].get<double>(), 0.6, 1e-12);
  EXPECT_EQ(trials[0]["best_epoch"], 3);
  EXPECT_EQ(trials[1]["status"], "terminated");
  EXPECT_EQ(trials[1]["message"], "bandit policy");
  EXPECT_TRUE(trials[1]["metrics"]["train_loss"][0].is_null());  // NaN
  EXPECT_EQ(trials[1]["artifacts"]["model"], "jobs/fridge-sweep/trials/fridge-sweep_1/model.pt");
  EXPECT_EQ(trials[2]["status"], "failed");
  for (const auto& tr : trials)
    for (const char* k : {"created", "started", "ended", "updated"}) EXPECT_TRUE(tr[k].is_string()) << k;

  ASSERT_EQ(run_autodet("-q jobs show queued-one --json --workspace " + (t / "ws"), &out), 0) << out;
  j = nlohmann::json::parse(out);
  EXPECT_EQ(j["status"], "queued");
  EXPECT_TRUE(j["trials"].empty());
  EXPECT_TRUE(j["best_trial"].is_null());
  EXPECT_TRUE(j["started"].is_null());
}

TEST(CliJobs, ProblemsAreOneClearLine) {
  TempDir t;
  fill_workspace(t / "ws");
  std::string out;
  EXPECT_EQ(run_autodet("jobs show nope --workspace " + (t / "ws"), &out), 1) << out;
  EXPECT_NE(out.find("job 'nope' not found in " + (t / "ws")), std::string::npos) << out;
  EXPECT_EQ(run_autodet("jobs show nope --workspace " + (t / "empty"), &out), 1) << out;
  EXPECT_NE(out.find("has no run store"), std::string::npos) << out;
  EXPECT_EQ(run_autodet("jobs show --workspace " + (t / "ws"), &out), 2) << out;  // JOB missing
  EXPECT_EQ(run_autodet("jobs", &out), 2) << out;

  write_text(t / "bad/autodet.db", std::string(2048, '\x7f') + "garbage");
  EXPECT_EQ(run_autodet("jobs list --workspace " + (t / "bad"), &out), 1) << out;
  EXPECT_NE(out.find("not an SQLite database"), std::string::npos) << out;
  EXPECT_NE(out.find(t / "bad/autodet.db"), std::string::npos) << out;
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1) << out;
}
