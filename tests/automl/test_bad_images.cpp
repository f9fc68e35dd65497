// Images that cannot be decoded, as a user meets them: a truncated JPEG or a zero-byte file in the
// training data is left out with a warning naming it and recorded in the job, and the job trains
// a model; a set that is mostly broken fails at once with a count; a sweep's trials leave out
// what the job's check found instead of decoding everything again.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/fs.h"
#include "data/synth.h"
#include "test_util.h"

using namespace autodet;
using namespace autodet::testing;
using nlohmann::json;

namespace {

// 16 synthetic 64 x 64 images, 2 classes; one epoch of yolov5 nano at 64 px takes a few seconds.
void make_data(const std::string& dir) {
  SynthOptions o;
  o.images = 16;
  o.classes = 2;
  o.width = o.height = 64;
  o.seed = 4;
  generate_synthetic(o, dir);
}

std::string job_yaml(const std::string& data, const std::string& name, const std::string& extra = "") {
  return "type: automl\ntask: image_object_detection\nname: " + name +
         "\ntarget_column_name: label\ntraining_data:\n  path: " + data + "\n  type: mltable\nvalidation_data_size: 0.25\n" +
         extra +
         "training_parameters:\n  model_name: yolov5\n  model_size: nano\n  pretrained_weights: none\n  image_size: 64\n  number_of_epochs: 1\n"
         "  training_batch_size: 4\n  validation_batch_size: 4\n  warmup_cosine_lr_warmup_epochs: 0\n  precision: fp32\n";
}

void truncate_file(const std::string& path, std::size_t keep) { write_text(path, read_text(path).substr(0, keep)); }

json jobs_show(const TempDir& t, const std::string& job, std::string* text = nullptr) {
  std::string out;
  EXPECT_EQ(run_autodet("-q jobs show " + job + " --workspace " + (t / "ws"), &out), 0) << out;
  if (text) *text = out;
  EXPECT_EQ(run_autodet("-q jobs show " + job + " --json --workspace " + (t / "ws"), &out), 0) << out;
  return json::parse(out);
}

// Trains the job with one broken image and checks it was left out, named and recorded.
void expect_trains_without(const TempDir& t, const std::string& job, const std::string& bad, const std::string& reason) {
  std::string out;
  ASSERT_EQ(run_autodet("train " + (t / "job.yml") + " --workspace " + (t / "ws") + " --threads 2", &out), 0) << out;
  EXPECT_NE(out.find("skipping image " + bad + ": "), std::string::npos) << out;
  EXPECT_TRUE(fs_exists(t / ("ws/jobs/" + job + "/best_model/model.pt"))) << out;
  std::string text;
  const json j = jobs_show(t, job, &text);
  EXPECT_EQ(j["status"], "completed");
  ASSERT_EQ(j["skipped_images"].size(), 1u) << j.dump(2);
  EXPECT_EQ(j["skipped_images"][0]["path"], bad);
  EXPECT_NE(j["skipped_images"][0]["reason"].get<std::string>().find(reason), std::string::npos) << j.dump(2);
  EXPECT_NE(text.find("1 image that cannot be decoded"), std::string::npos) << text;
  EXPECT_NE(text.find(bad + ": "), std::string::npos) << text;
}

}  // namespace

// The header is intact, so `data import` and the readers accept it; only decoding shows the damage.
TEST(BadImages, ATruncatedJpegIsLeftOutAndTheJobTrainsAModel) {
  TempDir t;
  make_data(t / "data");
  const std::string bad = t / "data/images/000003.jpg";
  truncate_file(bad, read_text(bad).size() * 2 / 3);
  write_text(t / "job.yml", job_yaml(t / "data", "cut"));
  expect_trains_without(t, "cut", bad, "truncated JPEG");
}

TEST(BadImages, AZeroByteFileIsLeftOutAndTheJobTrainsAModel) {
  TempDir t;
  make_data(t / "data");
  const std::string bad = t / "data/images/000005.jpg";
  write_text(bad, "");
  write_text(t / "job.yml", job_yaml(t / "data", "empty"));
  expect_trains_without(t, "empty", bad, "empty file");
}

TEST(BadImages, AMostlyBrokenSetFailsWithACountAndTheFirstFiles) {
  TempDir t;
  make_data(t / "data");
  for (int i = 1; i <= 5; ++i) truncate_file(t / ("data/images/00000" + std::to_string(i) + ".jpg"), 200);
  write_text(t / "job.yml", job_yaml(t / "data", "broken"));
  std::string out;
  EXPECT_EQ(run_autodet("train " + (t / "job.yml") + " --workspace " + (t / "ws"), &out), 1) << out;
  EXPECT_NE(out.find("5 of 16 images (31%) cannot be decoded, more than the 10% a job may leave out"), std::string::npos) << out;
  EXPECT_NE(out.find(t / "data/images/000001.jpg"), std::string::npos) << out;
  EXPECT_NE(out.find("autodet data validate"), std::string::npos) << out;
  EXPECT_FALSE(fs_exists(t / "ws/jobs/broken/best_model/model.pt"));
}

// The job decodes every image once; each trial process leaves out the recorded list.
TEST(BadImages, SweepTrialsLeaveOutWhatTheJobFound) {
  TempDir t;
  make_data(t / "data");
  const std::string bad = t / "data/images/000002.jpg";
  truncate_file(bad, read_text(bad).size() / 2);
  write_text(t / "job.yml",
             job_yaml(t / "data", "swept",
                      "limits:\n  max_trials: 2\n  max_concurrent_trials: 1\nsweep:\n  sampling_algorithm: {type: random, seed: 1}\n"
                      "search_space:\n  - learning_rate: {type: uniform, min_value: 0.001, max_value: 0.003}\n"));
  std::string out;
  ASSERT_EQ(run_autodet("train " + (t / "job.yml") + " --workspace " + (t / "ws") + " --threads 2", &out), 0) << out;
  EXPECT_NE(out.find("skipping image " + bad), std::string::npos) << out;
  const json j = jobs_show(t, "swept");
  ASSERT_EQ(j["trials"].size(), 2u) << j.dump(2);
  for (const json& trial : j["trials"]) {
    EXPECT_EQ(trial["status"], "completed") << trial.dump(2);
    const std::string log = read_text(t / ("ws/jobs/swept/trials/" + trial["id"].get<std::string>() + "/trial.log"));
    EXPECT_NE(log.find("1 image file left out, as the job's check found"), std::string::npos) << log;
    EXPECT_EQ(log.find("decoded in"), std::string::npos) << "a trial decoded every image again:\n" << log;
  }
  EXPECT_EQ(j["skipped_images"][0]["path"], bad);
}
