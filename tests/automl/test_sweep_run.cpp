// Manual sweeps as a user runs them (`autodet train job.yml` with search_space and sweep): each
// trial in its own process, early termination by the bandit policy, the best trial published,
// a crashed trial failing alone, two trials at once, and a killed scheduler resumed.
#include <chrono>
#include <functional>
#include <csignal>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include "core/fs.h"
#include "data/synth.h"
#include "store/run_json.h"
#include "store/timestamp.h"
#include "store/workspace.h"
#include "sweep_jobs.h"
#include "test_process.h"
#include "test_util.h"

using namespace autodet;
using namespace autodet::testing;
using nlohmann::json;


// Trials whose score threshold lets no detection through score 0 at every evaluation; the bandit
// policy ends them after their first evaluation once a good trial has reported. The slack (a third
// of the best) is wide enough that the good trials, whose early mAPs differ by tens of percent,
// never end each other, whenever the scheduler happens to look.
TEST(SweepRun, BanditTerminatesBadTrialsAndTheBestIsPublished) {
  TempDir t;
  const std::string data = make_data(t);
  write_text(t / "job.yml",
             sweep_job(data, "bandit", 5, 1, 3,
                       "sweep:\n  sampling_algorithm: {type: random, seed: 4}\n  early_termination: {type: bandit, "
                       "slack_factor: 2.0, evaluation_interval: 1, delay_evaluation: 1}\n",
                       "search_space:\n  - box_score_threshold: {type: choice, values: [0.001, 0.999]}\n"
                       "    learning_rate: {type: uniform, min_value: 0.001, max_value: 0.003}\n"));
  std::string out;
  ASSERT_EQ(run_autodet("train " + (t / "job.yml") + " --workspace " + (t / "ws") + " --threads 2", &out), 0) << out;
  const json j = show(t, "bandit");
  ASSERT_EQ(j["trials"].size(), 5u) << out;
  EXPECT_EQ(j["status"], "completed");
  int terminated = 0;
  std::string best;
  double best_value = -1;
  for (const json& tr : j["trials"]) {
    const double threshold = tr["parameters"]["box_score_threshold"].get<double>();
    if (tr["status"] == "terminated") {
      ++terminated;
      EXPECT_DOUBLE_EQ(threshold, 0.999) << tr.dump();
      EXPECT_NE(tr["message"].get<std::string>().find("bandit"), std::string::npos);
      EXPECT_LT(evaluations(tr), 3u) << "terminated early";
      // The best checkpoint and the package of a terminated trial are kept.
      EXPECT_TRUE(fs_exists(t / ("ws/jobs/bandit/trials/" + tr["id"].get<std::string>() + "/model/model.pt")));
      EXPECT_TRUE(fs_exists(t / ("ws/jobs/bandit/trials/" + tr["id"].get<std::string>() + "/model/model.onnx")));
    } else {
      EXPECT_EQ(tr["status"], "completed") << tr.dump();
    }
    EXPECT_TRUE(fs_exists(t / ("ws/jobs/bandit/trials/" + tr["id"].get<std::string>() + "/trial.log")));
    if (!tr["best_metric"].is_null() && tr["best_metric"].get<double>() > best_value)
      best_value = tr["best_metric"].get<double>(), best = tr["id"];
  }
  EXPECT_GE(terminated, 1) << out;
  EXPECT_GT(best_value, 0) << out;
  // The best trial is the one with the highest recorded metric: tag, best_trial and best_model agree.
  EXPECT_EQ(j["best_trial"], best);
  EXPECT_EQ(j["tags"]["automl_best_child_run_id"], best);
  EXPECT_TRUE(fs_exists(t / "ws/jobs/bandit/best_model/model.pt"));
  // Each trial's model is exported beside it (Azure's model.onnx), and so the best model's is.
  EXPECT_TRUE(fs_exists(t / "ws/jobs/bandit/best_model/model.onnx"));
  // `jobs show` lists the trials best first with the parameters that differ.
  ASSERT_EQ(run_autodet("-q jobs show bandit --workspace " + (t / "ws"), &out), 0) << out;
  EXPECT_NE(out.find("PARAMETERS (those that differ)"), std::string::npos) << out;
  const auto table = out.find("TRIAL ");
  ASSERT_NE(table, std::string::npos) << out;
  EXPECT_LT(out.find(best + " ", table), out.find(" terminated ", table)) << out;
  EXPECT_EQ(out.find("model_size="), std::string::npos) << out;  // the same in every trial
}

// A trial process killed from outside fails alone; the sweep goes on with the next trials.
TEST(SweepRun, ACrashedTrialFailsAndTheSweepGoesOn) {
  TempDir t;
  const pid_t pid = start_lr_sweep(t, "crash", 3, 4, 1);
  std::string worker;
  ASSERT_TRUE(wait_for(t, "crash", [&](const json& j) {
    if (j["trials"].empty() || j["trials"][0]["status"] != "running" || evaluations(j["trials"][0]) < 1) return false;
    worker = j["trials"][0]["worker"];
    return true;
  })) << read_text(t / "sweep.log");
  const pid_t child = pid_t(std::stol(worker.substr(worker.rfind(':') + 1)));
  ASSERT_NE(child, pid);
  ::kill(child, SIGKILL);  // as the out-of-memory killer would
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << read_text(t / "sweep.log");
  const json j = show(t, "crash");
  ASSERT_EQ(j["trials"].size(), 3u);
  EXPECT_EQ(j["trials"][0]["status"], "failed");
  EXPECT_NE(j["trials"][0]["message"].get<std::string>().find("killed by signal 9"), std::string::npos);
  EXPECT_EQ(j["trials"][1]["status"], "completed");
  EXPECT_EQ(j["trials"][2]["status"], "completed");
  EXPECT_EQ(j["status"], "completed");
  EXPECT_NE(j["best_trial"], "crash_0");
}

// max_concurrent_trials 2: two trial processes run at the same time, each with its share of threads.
TEST(SweepRun, TwoTrialsRunAtOnce) {
  TempDir t;
  const std::string data = make_data(t);
  write_text(t / "job.yml",
             sweep_job(data, "pair", 2, 2, 3, "sweep:\n  sampling_algorithm: grid\n",
                       "search_space:\n  - learning_rate: {type: choice, values: [0.001, 0.003]}\n"));
  std::string out;
  ASSERT_EQ(run_autodet("train " + (t / "job.yml") + " --workspace " + (t / "ws") + " --threads 2", &out), 0) << out;
  const json j = show(t, "pair");
  ASSERT_EQ(j["trials"].size(), 2u);
  const auto time = [](const json& v) { return *store::parse_iso8601_utc(v.get<std::string>()); };
  const auto& a = j["trials"][0];
  const auto& b = j["trials"][1];
  EXPECT_EQ(a["status"], "completed");
  EXPECT_EQ(b["status"], "completed");
  // Each started before the other ended.
  EXPECT_LT(time(a["started"]), time(b["ended"]));
  EXPECT_LT(time(b["started"]), time(a["ended"]));
  EXPECT_NE(a["worker"], b["worker"]);
  EXPECT_NE(read_text(t / "ws/jobs/pair/trials/pair_0/trial.log").find("1 threads"), std::string::npos);
}

// The scheduler killed with SIGKILL mid-sweep: --resume keeps the finished trials as they were,
// resumes the running one from its last completed epoch and runs the rest.
TEST(SweepRun, KillNineThenResumeKeepsFinishedTrials) {
  TempDir t;
  const pid_t pid = start_lr_sweep(t, "resumable", 3, 4, 9);
  ASSERT_TRUE(wait_for(t, "resumable", [](const json& j) {
    return j["trials"].size() >= 2 && j["trials"][0]["status"] == "completed" && evaluations(j["trials"][1]) >= 1;
  })) << read_text(t / "sweep.log");
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  const json before = show(t, "resumable");
  ASSERT_EQ(before["trials"][1]["status"], "running");  // nobody said otherwise
  EXPECT_EQ(before["status"], "interrupted");           // but its scheduler is gone
  EXPECT_EQ(before["resume_command"], "autodet train --resume resumable");
  ASSERT_LT(evaluations(before["trials"][1]), 4u) << "the trial ended before the kill";

  std::string out;
  ASSERT_EQ(run_autodet("train --resume resumable --workspace " + (t / "ws") + " --threads 2", &out), 0) << out;
  const json after = show(t, "resumable");
  ASSERT_EQ(after["trials"].size(), 3u) << out;
  EXPECT_EQ(after["status"], "completed");
  // The finished trial was not run again.
  for (const char* key : {"id", "started", "ended", "metrics", "parameters"})
    EXPECT_EQ(after["trials"][0][key], before["trials"][0][key]) << key;
  // The interrupted one kept its finished epochs and went on to the end.
  const auto& b1 = before["trials"][1]["metrics"]["log_loss_train"];
  const auto& a1 = after["trials"][1]["metrics"]["log_loss_train"];
  ASSERT_EQ(a1.size(), 4u);
  for (std::size_t e = 0; e < b1.size(); ++e) EXPECT_EQ(a1[e], b1[e]) << "epoch " << e;
  EXPECT_EQ(after["trials"][1]["started"], before["trials"][1]["started"]);
  EXPECT_EQ(after["trials"][1]["status"], "completed");
  EXPECT_EQ(after["trials"][2]["status"], "completed");
  EXPECT_EQ(after["trials"][1]["parameters"], before["trials"][1]["parameters"]);
  EXPECT_TRUE(fs_exists(t / "ws/jobs/resumable/best_model/model.pt"));
}

namespace {

// Runs a sweep of `trials` 500-epoch trials (one at a time) whose `limits` include `limit_line`,
// which must stop it after a minute; returns what it printed.
std::string run_limited_sweep(const TempDir& t, const std::string& name, int trials, const std::string& limit_line) {
  std::string job = sweep_job(make_data(t), name, trials, 1, 500, "sweep:\n  sampling_algorithm: {type: random, seed: 1}\n",
                              "search_space:\n  - learning_rate: {type: uniform, min_value: 0.001, max_value: 0.003}\n");
  job.replace(job.find("limits:\n"), 8, "limits:\n  " + limit_line + "\n");
  write_text(t / "job.yml", job);
  const auto t0 = std::chrono::steady_clock::now();
  std::string out;
  EXPECT_EQ(run_autodet("train " + (t / "job.yml") + " --workspace " + (t / "ws") + " --threads 2", &out), 0) << out;
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_GT(seconds, 60);
  EXPECT_LT(seconds, 150) << "500 epochs would take far longer";
  return out;
}

}  // namespace

// limits.trial_timeout_minutes stops a trial that runs too long like a terminated one: it keeps
// its best epoch's package and is marked canceled with the reason. (Takes a little over a minute:
// the limit is in whole minutes.)
TEST(SweepRun, TrialTimeoutCancelsALongTrialAndKeepsItsModel) {
  TempDir t;
  const std::string out = run_limited_sweep(t, "slow", 1, "trial_timeout_minutes: 1");
  const json j = show(t, "slow");
  ASSERT_EQ(j["trials"].size(), 1u) << out;
  const json& tr = j["trials"][0];
  EXPECT_EQ(tr["status"], "canceled") << tr.dump();
  EXPECT_NE(tr["message"].get<std::string>().find("trial_timeout_minutes (1) reached"), std::string::npos) << tr.dump();
  EXPECT_GE(evaluations(tr), 1u);
  EXPECT_LT(evaluations(tr), 500u);
  EXPECT_TRUE(fs_exists(t / "ws/jobs/slow/trials/slow_0/model/model.pt"));
  EXPECT_TRUE(fs_exists(t / "ws/jobs/slow/best_model/model.pt"));
}

// limits.timeout_minutes ends the job: the running trial is stopped like a terminated one (its
// best epoch's package kept, marked canceled) and no other starts. The first trial starts even
// though its estimate (500 epochs) is far beyond the minute: a job with a deadline trains one
// model rather than none. (A little over a minute.)
TEST(SweepRun, JobTimeoutCancelsTheRunningTrialAndStartsNoOther) {
  TempDir t;
  const std::string out = run_limited_sweep(t, "late", 3, "timeout_minutes: 1");
  EXPECT_NE(out.find("the first trial is estimated at"), std::string::npos) << out;
  const json j = show(t, "late");
  EXPECT_EQ(j["status"], "completed") << j.dump();
  ASSERT_EQ(j["trials"].size(), 1u) << out;
  const json& tr = j["trials"][0];
  EXPECT_EQ(tr["status"], "canceled") << tr.dump();
  EXPECT_NE(tr["message"].get<std::string>().find("job timeout_minutes (1) reached"), std::string::npos) << tr.dump();
  EXPECT_GE(evaluations(tr), 1u);
  EXPECT_TRUE(fs_exists(t / "ws/jobs/late/best_model/model.pt"));
}

// AutoMode's last trial refits the best trial's configuration on the training and validation
// images (docs/automode.md): with max_trials 2 it follows the first trial at once. Its scores on
// the validation images, which it trained on, are recorded as training metrics, so the ranking
// still names the first trial; the job's best model is the refit's, and says where it came from.
TEST(SweepRun, AutoModeRefitsTheBestTrialOnEveryImageAndPublishesIt) {
  TempDir t;
  write_text(t / "job.yml", sweep_job(make_data(t), "refit", 2, 1, 2, "", ""));
  std::string out;
  ASSERT_EQ(run_autodet("train " + (t / "job.yml") + " --workspace " + (t / "ws") + " --threads 2", &out), 0) << out;
  const json j = show(t, "refit");
  ASSERT_EQ(j["trials"].size(), 2u) << j.dump(2);
  const json& first = j["trials"][0];
  const json& refit = j["trials"][1];
  EXPECT_EQ(first["config"]["source"], "portfolio");
  EXPECT_EQ(refit["config"]["source"], "refit");
  EXPECT_EQ(refit["config"]["refit_of"], first["id"]);
  EXPECT_EQ(refit["status"], "completed") << refit.dump(2);
  EXPECT_EQ(refit["parameters"]["number_of_epochs"], first["best_epoch"].get<int>() + 1);
  EXPECT_EQ(refit["parameters"]["early_stopping"], false);
  EXPECT_TRUE(refit["metrics"].contains("mean_average_precision_train")) << refit["metrics"].dump();
  EXPECT_FALSE(refit["metrics"].contains("mean_average_precision")) << refit["metrics"].dump();
  EXPECT_EQ(j["best_trial"], first["id"]);
  EXPECT_EQ(j["tags"]["automl_best_child_run_id"], refit["id"]);
  const json metrics = json::parse(read_text(t / "ws/jobs/refit/best_model/metrics.json"));
  EXPECT_EQ(metrics["refit_of"], first["id"]) << metrics.dump(2);
  EXPECT_EQ(metrics["epochs_run"], refit["parameters"]["number_of_epochs"]);
  EXPECT_TRUE(metrics["metrics"].contains("coco_AP_train") || metrics["metrics"].contains("mean_average_precision_train"))
      << metrics.dump(2);
  const std::string log = read_text(t / ("ws/jobs/refit/trials/" + refit["id"].get<std::string>() + "/trial.log"));
  EXPECT_NE(log.find("on 48 images (training + validation)"), std::string::npos) << log;
  EXPECT_NE(log.find("mAP on training images"), std::string::npos) << log;
  std::string shown;
  ASSERT_EQ(run_autodet("jobs show refit --workspace " + (t / "ws"), &shown), 0) << shown;
  EXPECT_NE(shown.find("refit of " + first["id"].get<std::string>()), std::string::npos) << shown;
  EXPECT_NE(shown.find("best model"), std::string::npos) << shown;
}
