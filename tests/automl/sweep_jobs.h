#pragma once
// Tiny sweeps on synthetic data, as the sweep tests run them: the data, the job file, what
// `autodet jobs show --json` says, and waiting for it to say something.
#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/fs.h"
#include "data/synth.h"
#include "store/run_json.h"
#include "store/timestamp.h"
#include "store/workspace.h"
#include "test_process.h"
#include "test_util.h"

namespace autodet::testing {

// 48 images of 128 x 128 pixels, 2 classes: an epoch takes a second or two on two cores, long
// enough for the scheduler (which polls every 0.5 s) to act within a trial.
inline std::string make_data(const TempDir& t) {
  SynthOptions o;
  o.images = 48;
  o.classes = 2;
  o.width = o.height = 128;
  o.seed = 3;
  generate_synthetic(o, t / "data");
  return t / "data";
}

// A job file: a sweep of nano YOLOv5 trials on data, the given sweep: and search_space: sections.
inline std::string sweep_job(const std::string& data, const std::string& name, int trials, int concurrent, int epochs,
                             const std::string& sweep, const std::string& space) {
  return "type: automl\ntask: image_object_detection\nname: " + name +
         "\ntarget_column_name: label\ntraining_data:\n  path: " + data +
         "\nvalidation_data_size: 0.25\nlimits:\n  max_trials: " + std::to_string(trials) +
         "\n  max_concurrent_trials: " + std::to_string(concurrent) +
         "\ntraining_parameters:\n  model_name: yolov5\n  model_size: nano\n  pretrained_weights: none\n  image_size: 128\n  number_of_epochs: " +
         std::to_string(epochs) +
         "\n  training_batch_size: 8\n  validation_batch_size: 12\n  warmup_cosine_lr_warmup_epochs: 0\n"
         "  optimizer: adamw\n  learning_rate: 0.002\n  early_stopping: false\n  precision: fp32\n  advanced_settings: "
         "'{\"apply_mosaic_for_yolo\": false}'\n" +
         sweep + space;
}

// What `autodet jobs show JOB --json --workspace WS` prints, read from the store in this process.
inline nlohmann::json show_in(const std::string& workspace, const std::string& job) {
  store::Workspace ws(workspace);
  if (!ws.has_store()) return nlohmann::json();
  auto rs = store::open_run_store(ws, false);
  auto record = rs->find_job(job);
  return record ? store::job_detail_json(*rs, *record, store::Clock::now()) : nlohmann::json();
}

// The same for the workspace t/ws.
inline nlohmann::json show(const TempDir& t, const std::string& job) { return show_in(t / "ws", job); }

// Polls `jobs show` of t/ws until pred holds (or `seconds` pass).
inline bool wait_for(const TempDir& t, const std::string& job, const std::function<bool(const nlohmann::json&)>& pred,
                     int seconds = 60) {
  for (int i = 0; i < seconds * 20; ++i) {
    try {
      nlohmann::json j = show(t, job);
      if (j.is_object() && pred(j)) return true;
    } catch (const std::exception&) {  // the store is being created
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

// A random sweep over learning_rate alone, started in the background; returns the scheduler's pid.
inline pid_t start_lr_sweep(const TempDir& t, const std::string& name, int trials, int epochs, int seed) {
  write_text(t / "job.yml",
             sweep_job(make_data(t), name, trials, 1, epochs,
                       "sweep:\n  sampling_algorithm: {type: random, seed: " + std::to_string(seed) + "}\n",
                       "search_space:\n  - learning_rate: {type: uniform, min_value: 0.001, max_value: 0.003}\n"));
  return start_autodet({"train", t / "job.yml", "--workspace", t / "ws", "--threads", "2"}, t / "sweep.log");
}

// How many evaluations (primary metric values) a trial of `jobs show --json` has.
inline std::size_t evaluations(const nlohmann::json& trial) {
  return trial["metrics"].contains("mean_average_precision") ? trial["metrics"]["mean_average_precision"].size() : 0;
}

}  // namespace autodet::testing
