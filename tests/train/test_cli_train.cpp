// `autodet train` as a user runs it: bad jobs fail at once with one clear line; a job killed
// with SIGKILL mid-epoch is shown as interrupted, resumes and keeps every finished epoch.
#include <chrono>
#include <csignal>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include "core/fs.h"
#include "data/synth.h"
#include "test_process.h"
#include "test_util.h"
#include "train/checkpoint.h"

using namespace autodet;
using namespace autodet::testing;

namespace {

std::string job_yaml(const std::string& data, const std::string& extra = "") {
  return "type: automl\ntask: image_object_detection\ntarget_column_name: label\nprimary_metric: mean_average_precision\n"
         "training_data:\n  path: " + data + "\n  type: mltable\nvalidation_data_size: 0.25\n"
         "training_parameters:\n  model_name: yolov5\n  model_size: nano\n  pretrained_weights: none\n  image_size: 128\n  number_of_epochs: 4\n"
         "  training_batch_size: 8\n  validation_batch_size: 8\n  warmup_cosine_lr_warmup_epochs: 1\n  precision: fp32\n" + extra;
}

// `images` synthetic square images of `size` pixels with `classes` classes, in `dir`.
void make_synth(const std::string& dir, int images, int size, int classes, std::uint64_t seed = 0) {
  SynthOptions o;
  o.images = images;
  o.width = o.height = size;
  o.classes = classes;
  o.seed = seed;
  generate_synthetic(o, dir);
}

int count_lines(const std::string& s) {
  int n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

}  // namespace

TEST(CliTrain, BadJobsFailWithOneClearLine) {
  TempDir t;
  SynthOptions o;
  o.images = 8;
  o.width = o.height = 64;
  generate_synthetic(o, t / "data");
  write_text(t / "empty/a.jsonl", "");
  struct Case {
    std::string yaml, expect;
  } cases[] = {
      {job_yaml(t / "data", "  learning_rat: 0.1\n"), "learning_rate"},  // typo: the suggestion names the key
      {job_yaml(t / "data", "  learning_rate: 7\n"), "learning_rate"},
      {job_yaml(t / "nowhere"), "does not exist"},
      {job_yaml(t / "empty/a.jsonl"), "no usable images"},
  };
  for (const auto& c : cases) {
    write_text(t / "job.yml", c.yaml);
    std::string out;
    int rc = run_autodet("-q train " + (t / "job.yml") + " --workspace " + (t / "ws"), &out);
    EXPECT_NE(rc, 0) << out;
    EXPECT_NE(out.find(c.expect), std::string::npos) << out;
    EXPECT_EQ(count_lines(out), 1) << out;
  }
}

// Asking for a GPU the machine lacks is a bad job like the others: one line naming the key, and no
// job left behind in the run store.
TEST(CliTrain, AGpuTheMachineLacksFailsBeforeAJobIsRecorded) {
  std::string info;
  ASSERT_EQ(run_autodet("info", &info), 0) << info;
  if (info.find("CUDA devices: 0") == std::string::npos) GTEST_SKIP() << "this machine has a CUDA device: " << info;
  TempDir t;
  make_synth(t / "data", 8, 64, 2);
  write_text(t / "job.yml", job_yaml(t / "data"));
  std::string out;
  int rc = run_autodet("-q train " + (t / "job.yml") + " --workspace " + (t / "ws") + " --set device=cuda --set name=gpu", &out);
  EXPECT_EQ(rc, 2) << out;
  EXPECT_NE(out.find("training_parameters.device"), std::string::npos) << out;
  EXPECT_NE(out.find("no CUDA device"), std::string::npos) << out;
  EXPECT_EQ(count_lines(out), 1) << out;
  EXPECT_FALSE(fs_exists(t / "ws/jobs/gpu"));
  if (fs_exists(t / "ws")) {
    std::string jobs;
    ASSERT_EQ(run_autodet("jobs list --json --workspace " + (t / "ws"), &jobs), 0) << jobs;
    EXPECT_EQ(jobs.find("\"gpu\""), std::string::npos) << jobs;
  }
}

TEST(CliTrain, KillNineThenResumeKeepsFinishedEpochs) {
  TempDir t;
  make_synth(t / "data", 24, 128, 2, 5);
  write_text(t / "job.yml", job_yaml(t / "data", "  random_seed: 2\n"));
  const std::string ckpt = t / "ws/jobs/killme/trials/killme_0/checkpoint.pt";

  const pid_t pid = start_autodet({"train", t / "job.yml", "--workspace", t / "ws", "--set", "name=killme"}, t / "train.log");
  ASSERT_GE(pid, 0);
  // Wait until epoch 2 (index 1) is checkpointed, then kill during epoch 3.
  bool ready = false;
  for (int i = 0; i < 1200 && !ready; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (fs_exists(ckpt)) {
      try {
        ready = read_checkpoint_meta(ckpt)["epoch"].get<int>() >= 1;
      } catch (const std::exception&) {
      }
    }
  }
  ASSERT_TRUE(ready) << read_text(t / "train.log");
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status));
  const int done_before = read_checkpoint_meta(ckpt)["epoch"].get<int>() + 1;
  ASSERT_LT(done_before, 4) << "the run finished before it could be killed";

  std::string out;
  ASSERT_EQ(run_autodet("-q jobs show killme --json --workspace " + (t / "ws"), &out), 0) << out;
  auto before = nlohmann::json::parse(out);
  EXPECT_EQ(before["trials"][0]["status"], "running");  // the process died without a word
  // ... but its job is shown as interrupted, since its process is gone, with the way on.
  EXPECT_EQ(before["status"], "interrupted");
  EXPECT_EQ(before["recorded_status"], "running");
  EXPECT_EQ(before["resume_command"], "autodet train --resume killme --workspace " + (t / "ws"));
  ASSERT_EQ(run_autodet("-q jobs list --workspace " + (t / "ws"), &out), 0) << out;
  EXPECT_NE(out.find("interrupted"), std::string::npos) << out;
  EXPECT_NE(out.find("continue with: autodet train --resume killme --workspace " + (t / "ws")), std::string::npos) << out;
  ASSERT_EQ(run_autodet("-q jobs show killme --workspace " + (t / "ws"), &out), 0) << out;
  EXPECT_NE(out.find("interrupted"), std::string::npos) << out;
  EXPECT_NE(out.find("has ended"), std::string::npos) << out;
  EXPECT_NE(out.find("autodet train --resume killme"), std::string::npos) << out;

  ASSERT_EQ(run_autodet("-q train --resume killme --workspace " + (t / "ws"), &out), 0) << out;
  ASSERT_EQ(run_autodet("-q jobs show killme --json --workspace " + (t / "ws"), &out), 0) << out;
  auto after = nlohmann::json::parse(out);
  EXPECT_EQ(after["status"], "completed");
  EXPECT_FALSE(after.contains("resume_command"));
  EXPECT_TRUE(after["owner"].is_null()) << "the finished process still owns the job";
  EXPECT_EQ(after["trials"][0]["status"], "completed");
  // Every epoch has its training loss: those before the kill were kept, the rest were added.
  auto losses = after["trials"][0]["metrics"]["log_loss_train"];
  ASSERT_EQ(losses.size(), 4u) << out;
  for (int e = 0; e < done_before; ++e)
    EXPECT_EQ(losses[e], before["trials"][0]["metrics"]["log_loss_train"][e]) << "epoch " << e << " changed";
  EXPECT_TRUE(fs_exists(t / "ws/jobs/killme/best_model/model.pt"));
  EXPECT_EQ(read_checkpoint_meta(ckpt)["epoch"], 3);
}

TEST(CliTrain, IncrementalTrainingStartsFromAnotherJobsModel) {
  TempDir t;
  SynthOptions o;
  o.images = 12;
  o.width = o.height = 96;
  o.classes = 2;
  generate_synthetic(o, t / "two");
  o.classes = 3;
  o.seed = 9;
  generate_synthetic(o, t / "three");
  const std::string ws = " --workspace " + (t / "ws") + " --set number_of_epochs=1";
  write_text(t / "base.yml", "name: base\n" + job_yaml(t / "two"));
  std::string out;
  ASSERT_EQ(run_autodet("train " + (t / "base.yml") + ws, &out), 0) << out;

  // Another class count: everything but the class-dependent head starts from the base model.
  write_text(t / "inc.yml", "name: inc\n" + job_yaml(t / "three", "  checkpoint_run_id: base\n"));
  ASSERT_EQ(run_autodet("train " + (t / "inc.yml") + ws, &out), 0) << out;
  EXPECT_NE(out.find("initial weights and anchors from"), std::string::npos) << out;
  EXPECT_NE(out.find("jobs/base/best_model/model.pt"), std::string::npos) << out;
  EXPECT_NE(out.find("6 re-initialised"), std::string::npos) << out;

  // A trial id works too; an unknown id is one clear line.
  write_text(t / "inc2.yml", "name: inc2\n" + job_yaml(t / "two", "  checkpoint_run_id: base_0\n"));
  ASSERT_EQ(run_autodet("train " + (t / "inc2.yml") + ws, &out), 0) << out;
  EXPECT_NE(out.find("0 re-initialised"), std::string::npos) << out;
  write_text(t / "bad.yml", "name: bad\n" + job_yaml(t / "two", "  checkpoint_run_id: nosuchrun\n"));
  EXPECT_NE(run_autodet("-q train " + (t / "bad.yml") + ws, &out), 0);
  EXPECT_NE(out.find("nosuchrun"), std::string::npos) << out;
  EXPECT_EQ(count_lines(out), 1) << "[" << out << "]";
}

TEST(CliTrain, TiledJobsValidateWithTilesAndShipTheirTiling) {
  TempDir t;
  make_synth(t / "data", 12, 128, 2);
  write_text(t / "tiled.yml",
             "name: tiled\n" + job_yaml(t / "data", "  tile_grid_size: 2x2\n  tile_overlap_ratio: 0.3\n"));
  std::string out;
  ASSERT_EQ(run_autodet("train " + (t / "tiled.yml") + " --workspace " + (t / "ws") + " --set number_of_epochs=1", &out), 0)
      << out;
  // The 9 training images (12 less a quarter) and their 4 tiles each are the training samples (R8.6).
  EXPECT_NE(out.find("tiling 2x2: 9 training images and 36 tiles"), std::string::npos) << out;
  const auto settings = nlohmann::json::parse(read_file(t / "ws/jobs/tiled/best_model/settings.json"));
  EXPECT_EQ(settings["tile_grid_size"], "2x2");
  EXPECT_DOUBLE_EQ(settings["tile_overlap_ratio"].get<double>(), 0.3);
  // Tiled validation scores whole images through the tiles: there is no letterboxed batch, so no
  // validation loss, but there is a mAP.
  const auto metrics = nlohmann::json::parse(read_file(t / "ws/jobs/tiled/best_model/metrics.json"))["metrics"];
  EXPECT_TRUE(metrics.contains("mean_average_precision")) << metrics.dump();
  EXPECT_FALSE(metrics.contains("log_loss")) << metrics.dump();
}

// limits.timeout_minutes bounds a single run too (R2.2): the first batch past the deadline ends
// it, the best evaluated epoch becomes the model, and the trial is canceled with the reason.
// (A little over a minute: the limit is in whole minutes.)
TEST(CliTrain, TimeoutMinutesStopsASingleRunWithItsBestEpoch) {
  TempDir t;
  make_synth(t / "data", 24, 128, 2);
  write_text(t / "job.yml", "name: slow\nlimits:\n  timeout_minutes: 1\n" + job_yaml(t / "data"));
  const auto t0 = std::chrono::steady_clock::now();
  std::string out;
  ASSERT_EQ(run_autodet("train " + (t / "job.yml") + " --workspace " + (t / "ws") +
                            " --threads 2 --set number_of_epochs=500 --set early_stopping=false",
                        &out),
            0)
      << out;
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_GT(seconds, 60);
  EXPECT_LT(seconds, 150) << "500 epochs would take far longer";
  EXPECT_NE(out.find("(stopped by its time limit)"), std::string::npos) << out;
  // Each epoch line ends with the time left for the remaining epochs (logs see no batch line).
  const auto first = out.find("epoch   1/500");
  ASSERT_NE(first, std::string::npos) << out;
  EXPECT_NE(out.substr(first, out.find('\n', first) - first).find("  ETA "), std::string::npos) << out;
  ASSERT_EQ(run_autodet("jobs show slow --json --workspace " + (t / "ws"), &out), 0) << out;
  const auto j = nlohmann::json::parse(out);
  EXPECT_EQ(j["status"], "completed") << j.dump();
  ASSERT_EQ(j["trials"].size(), 1u);
  EXPECT_EQ(j["trials"][0]["status"], "canceled");
  EXPECT_NE(j["trials"][0]["message"].get<std::string>().find("timeout_minutes (1) reached after"), std::string::npos)
      << j.dump();
  EXPECT_TRUE(fs_exists(t / "ws/jobs/slow/best_model/model.pt"));
  const auto metrics = nlohmann::json::parse(read_file(t / "ws/jobs/slow/best_model/metrics.json"));
  EXPECT_LT(metrics["epochs_run"].get<int>(), 500);
}
