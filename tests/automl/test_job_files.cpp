// Azure's job files as they are: the verbatim manual-sweep sample (spec §2.6) planned unchanged,
// compute targets from the file and from --compute, and --image-root mapping a job's azureml://
// image URLs to local files, for a single run's checks and for a sweep's trial processes.
#include <filesystem>

#include <gtest/gtest.h>

#include "automl/job_spec.h"
#include "core/fs.h"
#include "data/synth.h"
#include "test_util.h"

using namespace autodet;
using namespace autodet::testing;

namespace {

const std::string kSample = std::string(AUTODET_SOURCE_DIR) + "/tests/automl/data/fridge_manual_sweep.yml";
const std::string kRemote = "azureml://subscriptions/sub/resourcegroups/rg/workspaces/ws/datastores/workspaceblobstore/paths/fridge";

// The sample's data folders (data/training-mltable-folder, data/validation-mltable-folder)
// beside a verbatim copy of it.
std::string sample_beside_data(const TempDir& t) {
  SynthOptions o;
  o.images = 12;
  o.classes = 2;
  o.width = o.height = 64;
  generate_synthetic(o, t / "data/training-mltable-folder");
  o.images = 4;
  o.seed = 1;
  generate_synthetic(o, t / "data/validation-mltable-folder");
  std::filesystem::copy_file(kSample, t / "job.yml");
  return t / "job.yml";
}

TEST(JobFiles, VerbatimSweepSampleIsPlannedUnchanged) {
  TempDir t;
  const std::string job = sample_beside_data(t);
  EXPECT_EQ(read_text(job), read_text(kSample));
  std::string out;
  ASSERT_EQ(run_autodet("train --dry-run " + job + " --workspace " + (t / "ws") + " --threads 1", &out), 0) << out;
  EXPECT_NE(out.find("job.yml:5: compute: 'azureml:gpu-cluster' ignored: autodet runs the job on this machine"),
            std::string::npos) << out;
  EXPECT_NE(out.find("manual_sweep, up to 10 trials, 2 at a time, timeout 60 min"), std::string::npos) << out;
  EXPECT_NE(out.find("data: 12 training, 4 validation images, 2 classes"), std::string::npos) << out;
  // The sample's Faster R-CNN trials are planned at its min_size (800), costed by their own model.
  EXPECT_NE(out.find("800  fasterrcnn_resnet50_fpn"), std::string::npos) << out;
  EXPECT_EQ(out.find("not implemented yet"), std::string::npos) << out;
  EXPECT_NE(out.find("yolov5"), std::string::npos) << out;
  EXPECT_FALSE(fs_exists(t / "ws/autodet.db"));  // nothing was recorded

  // --compute replaces the file's target.
  ASSERT_EQ(run_autodet("train --dry-run " + job + " --compute local --workspace " + (t / "ws") + " --threads 1", &out), 0)
      << out;
  EXPECT_EQ(out.find("ignored: autodet runs the job on this machine"), std::string::npos) << out;
  EXPECT_NE(run_autodet("train --dry-run " + job + " --compute kubernetes --workspace " + (t / "ws"), &out), 0);
  EXPECT_NE(out.find("--compute: compute: 'kubernetes' is not allowed for compute"), std::string::npos) << out;
}

// An MLTable whose image_url are Azure datastore URIs of the images in `images`.
void remote_copy(const std::string& local, const std::string& remote_dir) {
  make_dirs(remote_dir);
  std::string text = read_text(local + "/annotations.jsonl"), out;
  const std::string from = "\"image_url\":\"images/";
  for (std::size_t at = 0, next; at < text.size(); at = next) {
    next = text.find(from, at);
    if (next == std::string::npos) {
      out += text.substr(at);
      break;
    }
    out += text.substr(at, next - at) + "\"image_url\":\"" + kRemote + "/images/";
    next += from.size();
  }
  ASSERT_NE(out.find(kRemote), std::string::npos) << text.substr(0, 300);
  write_text(remote_dir + "/annotations.jsonl", out);
  std::filesystem::copy_file(local + "/MLTable", remote_dir + "/MLTable");
}

TEST(JobFiles, ImageRootReachesTheTrialsOfASweep) {
  TempDir t;
  SynthOptions o;
  o.images = 24;
  o.classes = 2;
  o.width = o.height = 64;
  generate_synthetic(o, t / "local");
  remote_copy(t / "local", t / "remote");
  write_text(t / "job.yml",
             "type: automl\ntask: image_object_detection\nname: remote\ncompute: azureml:gpu-cluster\n"
             "target_column_name: label\ntraining_data: {path: remote, type: mltable}\nvalidation_data_size: 0.25\n"
             "limits: {max_trials: 1, max_concurrent_trials: 1}\n"
             "training_parameters: {model_name: yolov5, model_size: nano, pretrained_weights: none, image_size: 64, number_of_epochs: 1, "
             "training_batch_size: 6, validation_batch_size: 6, warmup_cosine_lr_warmup_epochs: 0, precision: fp32, "
             "early_stopping: false}\n"
             "sweep: {sampling_algorithm: grid}\nsearch_space:\n  - learning_rate: {type: choice, values: [0.002]}\n");
  std::string out;
  // Without the mapping the images cannot be found: the job stops before anything is recorded.
  EXPECT_NE(run_autodet("train " + (t / "job.yml") + " --workspace " + (t / "ws") + " --threads 1", &out), 0);
  EXPECT_NE(out.find("no usable images"), std::string::npos) << out;
  const std::string map = " --image-root " + kRemote + "=" + (t / "local");
  ASSERT_EQ(run_autodet("train --dry-run " + (t / "job.yml") + map + " --workspace " + (t / "ws") + " --threads 1", &out), 0)
      << out;
  EXPECT_NE(out.find("data: 18 training, 6 validation images"), std::string::npos) << out;
  ASSERT_EQ(run_autodet("train " + (t / "job.yml") + map + " --workspace " + (t / "ws") + " --threads 1", &out), 0) << out;
  EXPECT_NE(out.find("job remote: 1 trials, best trial remote_0"), std::string::npos) << out;
  EXPECT_TRUE(fs_exists(t / "ws/jobs/remote/best_model/model.pt")) << out;
  EXPECT_TRUE(fs_exists(t / "ws/jobs/remote/best_model/model.onnx")) << out;
}

}  // namespace

// Every example job in examples/jobs parses: its model, parameters and settings are ones this
// autodet accepts (the data folders they name are checked only when a job runs).
TEST(ExampleJobs, EveryExampleJobFileParses) {
  const std::filesystem::path dir = std::filesystem::path(AUTODET_SOURCE_DIR) / "examples" / "jobs";
  int parsed = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".yml") continue;
    SCOPED_TRACE(entry.path().string());
    EXPECT_NO_THROW({
      const JobSpec spec = parse_job_yaml_text(read_text(entry.path().string()), entry.path().string(), dir.string());
      EXPECT_FALSE(spec.params.model_name.empty());
    });
    ++parsed;
  }
  EXPECT_GE(parsed, 8);
}
