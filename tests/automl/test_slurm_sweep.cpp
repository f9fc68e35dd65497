// Sweeps on Slurm workers with the run store on PostgreSQL, as a user runs them (`autodet train
// job.yml --compute slurm --store postgresql://...`): the same trials as a local run, a worker
// killed mid-trial replaced and its trial resumed, and the database stopped for 30 s. Needs the
// services of scripts/services.sh (SLURM_CONF, AUTODET_TEST_POSTGRES_URL); skips otherwise.
#include <sys/stat.h>
#include <sys/wait.h>

#include <csignal>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "sweep_jobs.h"
#include "test_services.h"

using namespace autodet;
using namespace autodet::testing;
using nlohmann::json;

namespace {

#define AUTODET_REQUIRE_SLURM()                                                  \
  do {                                                                           \
    std::string why;                                                             \
    if (!::autodet::testing::slurm_available(&why)) GTEST_SKIP() << why;         \
  } while (0)

// Bandit early termination over a score threshold that lets nothing through (those trials score
// 0 and are ended) and a learning rate: the sweep of tests/automl/test_sweep_run.cpp.
const char* const kBanditSweep =
    "sweep:\n  sampling_algorithm: {type: random, seed: 4}\n  early_termination: {type: bandit, "
    "slack_factor: 2.0, evaluation_interval: 1, delay_evaluation: 1}\n";
const char* const kBanditSpace =
    "search_space:\n  - box_score_threshold: {type: choice, values: [0.001, 0.999]}\n"
    "    learning_rate: {type: uniform, min_value: 0.001, max_value: 0.003}\n";

// The job file with a slurm: section (workers count as lost after `lost_after` s of silence).
std::string slurm_job(const std::string& base, int lost_after) {
  return base + "slurm:\n  cpus_per_trial: 1\n  worker_lost_after_seconds: " + std::to_string(lost_after) + "\n";
}

// The trials' (id, parameters) of `jobs show --json`.
std::vector<std::pair<std::string, json>> trial_parameters(const json& j) {
  std::vector<std::pair<std::string, json>> out;
  for (const json& t : j["trials"]) out.emplace_back(t["id"], t["parameters"]);
  return out;
}

int wait_exit(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Every worker log of the job, one after the other.
std::string worker_logs(const std::string& ws, const std::string& job) {
  std::string all;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(ws + "/jobs/" + job + "/slurm", ec))
    if (e.path().filename().string().rfind("worker-", 0) == 0) all += read_text(e.path().string());
  return all;
}

}  // namespace

// 6 trials, bandit termination, 2 Slurm workers, PostgreSQL: every trial completes or is
// terminated, the best model is published, and `jobs show` lists the same trials with the same
// parameters as the same seeded sweep run locally on SQLite.
TEST(SlurmSweep, BanditSweepOnTwoWorkersMatchesTheLocalRun) {
  AUTODET_REQUIRE_SLURM();
  AUTODET_REQUIRE_POSTGRES(server);
  TempDir t;
  const std::string data = make_data(t);
  write_text(t / "job.yml", slurm_job(sweep_job(data, "bandit6", 6, 2, 3, kBanditSweep, kBanditSpace), 60));
  std::string out;
  // Locally, on the workspace's SQLite file: compute: local replaces the job's (absent) compute.
  ASSERT_EQ(run_autodet("train " + (t / "job.yml") + " --workspace " + (t / "local") + " --threads 2", &out), 0) << out;
  const json local = show_in(t / "local", "bandit6");
  std::string shown_local, shown_slurm;
  ASSERT_EQ(run_autodet("-q jobs show bandit6 --workspace " + (t / "local"), &shown_local), 0);

  TestDatabase db(server);
  ScopedEnv store_env("AUTODET_STORE", db.url());
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(run_autodet("train " + (t / "job.yml") + " --compute slurm --workspace " + (t / "ws") + " --threads 2", &out), 0)
      << out << worker_logs(t / "ws", "bandit6");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::cout << "[ figures  ] 6-trial bandit sweep on 2 Slurm workers with PostgreSQL: " << seconds << " s\n";
  EXPECT_NE(out.find("2 Slurm workers"), std::string::npos) << out;
  const json j = show(t, "bandit6");
  ASSERT_EQ(j["trials"].size(), 6u) << out;
  EXPECT_EQ(j["status"], "completed");
  EXPECT_EQ(trial_parameters(j), trial_parameters(local));  // same trials, same parameters
  std::set<std::string> workers;
  int terminated = 0;
  for (const json& tr : j["trials"]) {
    EXPECT_TRUE(tr["status"] == "completed" || tr["status"] == "terminated") << tr.dump();
    if (tr["status"] == "terminated") {
      ++terminated;
      EXPECT_DOUBLE_EQ(tr["parameters"]["box_score_threshold"].get<double>(), 0.999) << tr.dump();
      EXPECT_NE(tr["message"].get<std::string>().find("bandit"), std::string::npos);
    }
    EXPECT_EQ(tr["worker"].get<std::string>().rfind("slurm-", 0), 0u) << tr.dump();
    workers.insert(tr["worker"].get<std::string>());
  }
  EXPECT_GE(terminated, 1) << out;
  EXPECT_GE(workers.size(), 2u) << "both workers ran trials";
  ASSERT_TRUE(j["best_trial"].is_string()) << j.dump();
  EXPECT_EQ(j["tags"]["automl_best_child_run_id"], j["best_trial"]);
  EXPECT_TRUE(fs_exists(t / "ws/jobs/bandit6/best_model/model.pt"));
  // The text of `jobs show` lists the same trials and parameters as the local run's.
  ASSERT_EQ(run_autodet("-q jobs show bandit6 --workspace " + (t / "ws") + " --store " + db.url(), &shown_slurm), 0)
      << shown_slurm;
  for (const json& tr : local["trials"]) {
    const std::string lr = tr["parameters"]["learning_rate"].dump();
    EXPECT_NE(shown_slurm.find(tr["id"].get<std::string>()), std::string::npos) << shown_slurm;
    EXPECT_NE(shown_local.find(lr.substr(0, 6)), std::string::npos) << shown_local;
    EXPECT_NE(shown_slurm.find(lr.substr(0, 6)), std::string::npos) << shown_slurm;
  }
}

// kill -9 of the worker running a trial: the scheduler notices the silence, puts the trial back
// in the queue and submits a replacement worker; another worker resumes it from its checkpoint,
// so the epochs finished before the kill keep their records, and the sweep completes.
TEST(SlurmSweep, KilledWorkerIsReplacedAndItsTrialResumes) {
  AUTODET_REQUIRE_SLURM();
  AUTODET_REQUIRE_POSTGRES(server);
  TempDir t;
  TestDatabase db(server);
  ScopedEnv store_env("AUTODET_STORE", db.url());
  write_text(t / "job.yml",
             slurm_job(sweep_job(make_data(t), "killed", 3, 2, 5, "sweep:\n  sampling_algorithm: {type: random, seed: 9}\n",
                                 "search_space:\n  - learning_rate: {type: uniform, min_value: 0.001, max_value: 0.003}\n"),
                       6));
  const pid_t pid = start_autodet({"train", t / "job.yml", "--compute", "slurm", "--workspace", t / "ws", "--threads", "2"},
                                  t / "sweep.log");
  std::string worker;
  ASSERT_TRUE(wait_for(t, "killed", [&](const json& j) {
    if (j["trials"].empty() || j["trials"][0]["status"] != "running" || evaluations(j["trials"][0]) < 2) return false;
    worker = j["trials"][0]["worker"];
    return true;
  }, 180)) << read_text(t / "sweep.log");
  const json before = show(t, "killed");
  ASSERT_LT(evaluations(before["trials"][0]), 5u) << "the trial ended before the kill";
  const pid_t worker_pid = pid_t(std::stol(worker.substr(worker.rfind(':') + 1)));
  ASSERT_EQ(::kill(worker_pid, SIGKILL), 0) << worker;
  ASSERT_EQ(wait_exit(pid), 0) << read_text(t / "sweep.log") << worker_logs(t / "ws", "killed");
  const json after = show(t, "killed");
  ASSERT_EQ(after["trials"].size(), 3u);
  EXPECT_EQ(after["status"], "completed");
  const json& tr = after["trials"][0];
  EXPECT_EQ(tr["status"], "completed") << tr.dump();
  EXPECT_NE(tr["worker"], worker) << "another worker finished it";
  // No finished epoch lost: the epochs recorded before the kill are unchanged, the rest followed.
  const auto& b = before["trials"][0]["metrics"]["log_loss_train"];
  const auto& a = tr["metrics"]["log_loss_train"];
  ASSERT_EQ(a.size(), 5u) << tr.dump();
  for (std::size_t e = 0; e < b.size(); ++e) EXPECT_EQ(a[e], b[e]) << "epoch " << e;
  const std::string trial_log = read_text(t / "ws/jobs/killed/trials/killed_0/trial.log");
  EXPECT_NE(trial_log.find("resumed after epoch"), std::string::npos) << trial_log;
  EXPECT_NE(read_text(t / "sweep.log").find("was lost"), std::string::npos) << read_text(t / "sweep.log");
  for (const json& other : after["trials"]) EXPECT_EQ(other["status"], "completed") << other.dump();
}

// PostgreSQL stopped for 30 s in the middle of a sweep and started again: the workers train on
// and keep what they record, everyone waits and retries, and the sweep completes with every
// epoch's metrics recorded.
TEST(SlurmSweep, PostgresStoppedFor30sThenTheSweepCompletes) {
  AUTODET_REQUIRE_SLURM();
  AUTODET_REQUIRE_POSTGRES(server);
  TempDir t;
  ::chmod(t.path().c_str(), 0755);  // the postgres user runs the private server inside it
  const std::string script = std::string(AUTODET_SOURCE_DIR) + "/scripts/services.sh";
  const std::string port = std::to_string(58000 + ::getpid() % 2000);
  const std::string dir = t / "pg";
  const std::string start = script + " postgres start " + dir + " " + port + " > " + (t / "url");
  const std::string stop = script + " postgres stop " + dir + " " + port;
  ASSERT_EQ(std::system(start.c_str()), 0);
  std::string url = read_text(t / "url");
  url = url.substr(0, url.find('\n'));
  ScopedEnv store_env("AUTODET_STORE", url);
  constexpr int kEpochs = 8;
  write_text(t / "job.yml",
             slurm_job(sweep_job(make_data(t), "outage", 2, 2, kEpochs, "sweep:\n  sampling_algorithm: grid\n",
                                 "search_space:\n  - learning_rate: {type: choice, values: [0.001, 0.003]}\n"),
                       20));
  const pid_t pid = start_autodet({"train", t / "job.yml", "--compute", "slurm", "--workspace", t / "ws", "--threads", "2"},
                                  t / "sweep.log");
  ASSERT_TRUE(wait_for(t, "outage", [&](const json& j) {
    return j["trials"].size() == 2 && evaluations(j["trials"][0]) >= 1 && evaluations(j["trials"][1]) >= 1;
  }, 180)) << read_text(t / "sweep.log");
  const json before = show(t, "outage");
  ASSERT_EQ(std::system(stop.c_str()), 0);
  std::this_thread::sleep_for(std::chrono::seconds(30));
  ASSERT_EQ(std::system(start.c_str()), 0);
  const int code = wait_exit(pid);
  const std::string logs = read_text(t / "sweep.log") + worker_logs(t / "ws", "outage");
  ASSERT_EQ(code, 0) << logs;
  const json j = show(t, "outage");
  EXPECT_EQ(j["status"], "completed") << j.dump();
  for (const json& tr : j["trials"]) {
    EXPECT_EQ(tr["status"], "completed") << tr.dump();
    for (const char* metric : {"mean_average_precision", "log_loss_train", "epoch_seconds"}) {
      ASSERT_TRUE(tr["metrics"].contains(metric)) << metric;
      EXPECT_EQ(tr["metrics"][metric].size(), std::size_t(kEpochs)) << metric << " " << tr.dump();
    }
  }
  EXPECT_LT(evaluations(before["trials"][0]), std::size_t(kEpochs)) << "the outage came after the training";
  EXPECT_NE(logs.find("unreachable"), std::string::npos) << logs;
  EXPECT_NE(logs.find("reachable again"), std::string::npos) << logs;
  EXPECT_EQ(logs.find("was lost"), std::string::npos) << "no worker is called lost for the store's silence\n" << logs;
  std::system(stop.c_str());
}
