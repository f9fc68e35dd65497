// JobSpec: the Azure CLI v2 AutoML job YAML (§2) read into a typed, checked spec.
#include <gtest/gtest.h>

#include <chrono>

#include "automl/job_spec.h"
#include "core/error.h"
#include "core/fs.h"

namespace autodet {
namespace {

std::string data_dir() { return std::string(AUTODET_SOURCE_DIR) + "/tests/automl/data"; }
std::string sample(const std::string& name) { return data_dir() + "/" + name; }

JobParseOptions fixed_clock() {
  JobParseOptions o;
  o.now = std::chrono::system_clock::from_time_t(1735689601);  // 2025-01-01 00:00:01 UTC
  o.name_seed = 7;
  return o;
}

const char* kHeader =
    "type: automl\n"
    "task: image_object_detection\n"
    "target_column_name: label\n"
    "training_data:\n"
    "  path: data/train\n";  // lines 1-5: what follows starts at line 6

JobSpec parse(const std::string& body) { return parse_job_yaml_text(kHeader + body, "job.yml", "/jobs/fridge", fixed_clock()); }

// The message of the autodet::Error parse() throws ("" when none).
std::string error_of(const std::string& body) {
  try {
    parse(body);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

bool any_warning(const JobSpec& spec, const std::string& part) {
  for (const auto& w : spec.warnings)
    if (has(w, part)) return true;
  return false;
}

TEST(JobSpecSamples, VerbatimManualSweepSample) {
  const JobParseOptions o = fixed_clock();  // the S14 sample names an Azure cluster: it runs here, with a warning
  const JobSpec spec = parse_job_yaml(sample("fridge_manual_sweep.yml"), o);
  EXPECT_EQ(spec.mode(), JobMode::ManualSweep);
  EXPECT_EQ(spec.experiment_name, "dpv2-cli-automl-image-object-detection-experiment");
  EXPECT_EQ(spec.description, "An Image Object Detection job using fridge items dataset");
  EXPECT_EQ(spec.compute, "local");
  EXPECT_EQ(spec.log_verbosity, "debug");
  EXPECT_EQ(spec.primary_metric, "mean_average_precision");
  EXPECT_EQ(spec.training_data.path, absolute_path(data_dir() + "/data/training-mltable-folder"));
  EXPECT_EQ(spec.training_data.given, "data/training-mltable-folder");
  EXPECT_EQ(spec.training_data.type, "mltable");
  ASSERT_TRUE(spec.validation_data.has_value());
  EXPECT_EQ(spec.validation_data->path, absolute_path(data_dir() + "/data/validation-mltable-folder"));
  EXPECT_EQ(spec.limits.max_trials, 10);
  EXPECT_EQ(spec.limits.max_concurrent_trials, 2);
  EXPECT_EQ(spec.limits.timeout_minutes, 60);
  EXPECT_TRUE(spec.params.early_stopping);
  EXPECT_EQ(spec.params.explicitly_set, (std::set<std::string>{"early_stopping", "evaluation_frequency"}));
  EXPECT_EQ(spec.sweep["sampling_algorithm"], "random");
  EXPECT_EQ(spec.sweep["early_termination"]["type"], "bandit");
  EXPECT_EQ(spec.sweep["early_termination"]["slack_factor"], 0.2);
  EXPECT_EQ(spec.sweep["early_termination"]["delay_evaluation"], 6);
  ASSERT_EQ(spec.search_space.size(), 2u);
  EXPECT_EQ(spec.search_space[0]["model_name"]["values"], nlohmann::json::array({"yolov5"}));
  EXPECT_EQ(spec.search_space[0]["learning_rate"]["min_value"], 0.0001);
  EXPECT_EQ(spec.search_space[0]["model_size"]["values"], nlohmann::json::array({"small", "medium"}));
  EXPECT_EQ(spec.search_space[1]["min_size"]["values"], nlohmann::json::array({600, 800}));
  EXPECT_EQ(spec.name, spec.experiment_name + "-20250101-000001-" + spec.name.substr(spec.name.size() - 4));
  EXPECT_TRUE(spec.name_generated);
  EXPECT_TRUE(any_warning(spec, "fridge_manual_sweep.yml:5: compute: 'azureml:gpu-cluster' ignored"));
  EXPECT_EQ(job_to_json(spec)["mode"], "manual_sweep");
}

TEST(JobSpecSamples, ComputeTargets) {
  // azureml:<cluster> runs on this machine with one warning naming file, line and key.
  const JobSpec cloud = parse_job_yaml(sample("azureml_compute.yml"), fixed_clock());
  EXPECT_EQ(cloud.compute, "local");
  ASSERT_EQ(cloud.warnings.size(), 1u);
  EXPECT_TRUE(has(cloud.warnings[0], "azureml_compute.yml:3: compute: 'azureml:gpu-cluster' ignored: autodet runs "
                                     "the job on this machine")) << cloud.warnings[0];
  const std::string head = "type: automl\ntask: image_object_detection\ntarget_column_name: label\n"
                           "training_data: {path: data}\n";
  auto parse = [&](const std::string& compute_line, std::optional<std::string> flag = std::nullopt) {
    JobParseOptions o = fixed_clock();
    o.compute = flag;
    return parse_job_yaml_text(head + compute_line, "job.yml", data_dir(), o);
  };
  EXPECT_TRUE(parse("compute: local\n").warnings.empty());
  EXPECT_TRUE(parse("compute: LOCAL\n").warnings.empty());
  EXPECT_TRUE(parse("").warnings.empty());
  EXPECT_EQ(parse("compute: azureml:x\n").warnings.size(), 1u);
  // --compute replaces the file's value, and is named in messages.
  EXPECT_TRUE(parse("compute: azureml:gpu-cluster\n", "local").warnings.empty());
  EXPECT_TRUE(any_warning(parse("", "azureml:big"), "--compute: compute: 'azureml:big' ignored"));
  auto error_of = [&](const std::string& line, std::optional<std::string> flag = std::nullopt) -> std::string {
    try {
      parse(line, flag);
    } catch (const Error& e) {
      return std::string(dynamic_cast<const NotSupportedError*>(&e) ? "not supported: " : "usage: ") + e.what();
    }
    return "parsed";
  };
  // slurm[:<partition>] runs the trials on a Slurm cluster; --compute replaces the file's value.
  EXPECT_EQ(parse("compute: slurm\n").compute, "slurm");
  EXPECT_EQ(parse("compute: slurm:gpu\n").compute_target.partition, "gpu");
  EXPECT_EQ(parse("compute: SLURM:long\n").compute_target.kind, ComputeTarget::Kind::Slurm);
  EXPECT_EQ(parse("compute: local\n", "slurm:debug").compute, "slurm:debug");
  EXPECT_EQ(parse("compute: slurm\n", "local").compute, "local");
  for (const std::string bad : {"gpu-cluster", "azureml:", "slurm:", "kubernetes"}) {
    const std::string m = error_of("compute: '" + bad + "'\n");
    EXPECT_TRUE(has(m, "usage: job.yml:5: compute: '" + bad + "' is not allowed for compute; expected local, "
                       "azureml:<cluster>")) << m;
  }
}

TEST(JobSpecSamples, AutoModeSample) {
  const JobSpec spec = parse_job_yaml(sample("fridge_automode.yml"), fixed_clock());
  EXPECT_EQ(spec.mode(), JobMode::AutoMode);
  EXPECT_EQ(spec.limits.max_trials, 10);
  EXPECT_EQ(spec.limits.max_concurrent_trials, 2);
  EXPECT_FALSE(spec.limits.timeout_minutes.has_value());
  EXPECT_TRUE(spec.sweep.is_null());
  EXPECT_TRUE(spec.search_space.is_null());
  EXPECT_TRUE(spec.params.explicitly_set.empty());
  EXPECT_TRUE(spec.warnings.empty());
}

TEST(JobSpecSamples, SingleModelSample) {
  const JobSpec spec = parse_job_yaml(sample("fridge_single.yml"), fixed_clock());
  EXPECT_EQ(spec.mode(), JobMode::Single);
  EXPECT_EQ(spec.name.rfind("fridge-20250101-000001-", 0), 0u) << spec.name;
  EXPECT_EQ(spec.primary_metric, "mean_average_precision");  // from MeanAveragePrecision
  EXPECT_DOUBLE_EQ(spec.validation_data_size, 0.25);
  EXPECT_FALSE(spec.validation_data.has_value());
  EXPECT_EQ(spec.training_data.mode, "direct");
  const TrainingParams& p = spec.params;
  EXPECT_EQ(p.model_name, "fasterrcnn_resnet50_fpn");
  EXPECT_EQ(p.learning_rate_scheduler, "warmup_cosine");
  EXPECT_EQ(p.optimizer, "adamw");
  EXPECT_TRUE(p.early_stopping);
  EXPECT_EQ(p.validation_metric_type, "coco_voc");
  EXPECT_FALSE(p.log_validation_loss);
  EXPECT_EQ(p.tile_grid_size, (TileGrid{3, 2}));
  EXPECT_EQ(p.min_size, 800);
  EXPECT_FALSE(p.advanced_settings.apply_automl_train_augmentations);
  EXPECT_TRUE(p.advanced_settings.apply_mosaic_for_yolo);
  // R-CNN defaults for what was not given
  EXPECT_EQ(p.number_of_epochs, 15);
  EXPECT_EQ(p.training_batch_size, 2);
  EXPECT_DOUBLE_EQ(p.learning_rate, 0.005);
  EXPECT_DOUBLE_EQ(p.box_score_threshold, 0.3);
  EXPECT_TRUE(spec.warnings.empty()) << spec.warnings[0];
}

TEST(JobSpecDefaults, PerModelAndDefaultModel) {
  JobSpec spec = parse("");
  EXPECT_EQ(spec.mode(), JobMode::Single);
  EXPECT_EQ(spec.params.model_name, "yolov5");
  EXPECT_EQ(spec.params.number_of_epochs, 30);
  EXPECT_EQ(spec.limits.max_trials, 1);
  EXPECT_EQ(spec.limits.max_concurrent_trials, 1);
  EXPECT_DOUBLE_EQ(spec.validation_data_size, 0.2);
  EXPECT_EQ(spec.log_verbosity, "info");
  EXPECT_EQ(spec.experiment_name, "fridge");  // the job file's folder
  EXPECT_EQ(spec.training_data.path, "/jobs/fridge/data/train");
  // model_name after a parameter it changes the default of: the given value wins, the rest follow the model
  spec = parse("training_parameters:\n  validation_batch_size: 4\n  model_name: retinanet_resnet50_fpn\n");
  EXPECT_EQ(spec.params.validation_batch_size, 4);
  EXPECT_EQ(spec.params.training_batch_size, 2);
  EXPECT_DOUBLE_EQ(spec.params.box_score_threshold, 0.3);
}

TEST(JobSpecErrors, OutOfRangeNamesKeyValueAllowedAndLine) {
  try {
    parse_job_yaml(sample("bad_range.yml"));
    FAIL();
  } catch (const UsageError& e) {
    const std::string m = e.what();
    EXPECT_TRUE(has(m, "bad_range.yml:9: training_parameters.learning_rate")) << m;
    EXPECT_TRUE(has(m, "'2'")) << m;
    EXPECT_TRUE(has(m, "a number in [0, 1]")) << m;
    EXPECT_EQ(e.where().line, 9);
    EXPECT_EQ(e.where().field, "training_parameters.learning_rate");
  }
  const std::vector<std::tuple<std::string, std::string, std::string>> cases = {
      {"limits:\n  max_trials: 0\n", "job.yml:7: limits.max_trials", "an integer from 1 to 1000"},
      {"limits:\n  max_concurrent_trials: 101\n", "job.yml:7: limits.max_concurrent_trials", "from 1 to 100"},
      {"validation_data_size: 1.0\n", "job.yml:6: validation_data_size", "a number in (0, 1)"},
      {"training_parameters:\n  early_stopping: maybe\n", "job.yml:7: training_parameters.early_stopping",
       "true or false"},
      {"training_parameters:\n  model_size: huge\n", "job.yml:7: training_parameters.model_size", "extra_large"},
      {"training_parameters:\n  number_of_epochs: -3\n", "job.yml:7: training_parameters.number_of_epochs",
       "an integer >= 1"},
      {"training_parameters:\n  tile_grid_size: 1x1\n", "job.yml:7: training_parameters.tile_grid_size", "WxH"},
      {"training_parameters:\n  tile_overlap_ratio: 1\n", "job.yml:7: training_parameters.tile_overlap_ratio",
       "[0, 1)"},
      {"log_verbosity: loud\n", "job.yml:6: log_verbosity", "not_set, debug, info, warning, error, critical"},
      {"primary_metric: accuracy\n", "job.yml:6: primary_metric", "mean_average_precision"},
      {"training_parameters:\n  learning_rate:\n    type: uniform\n    min_value: 0.1\n    max_value: 0.2\n",
       "job.yml:8: training_parameters.learning_rate", "search_space"},
      {"training_parameters:\n  optimizer: [sgd, adam]\n", "job.yml:7: training_parameters.optimizer", "a list"},
      {"training_parameters:\n  layers_to_freeze: 11\n", "training_parameters.layers_to_freeze",
       "an integer from 1 to 10"},
  };
  for (const auto& [body, where, allowed] : cases) {
    const std::string m = error_of(body);
    EXPECT_TRUE(has(m, where)) << body << " -> " << m;
    EXPECT_TRUE(has(m, allowed)) << body << " -> " << m;
  }
  EXPECT_TRUE(has(error_of("limits:\n  max_trials: 0\n"), "'0'"));
}

TEST(JobSpecErrors, EnumErrorFromFile) {
  try {
    parse_job_yaml(sample("bad_enum.yml"));
    FAIL();
  } catch (const UsageError& e) {
    const std::string m = e.what();
    EXPECT_TRUE(has(m, "bad_enum.yml:7: training_parameters.optimizer: 'adagrad'")) << m;
    EXPECT_TRUE(has(m, "one of: sgd, adam, adamw")) << m;
  }
}

TEST(JobSpecErrors, UnknownKeysSuggestTheClosest) {
  try {
    parse_job_yaml(sample("bad_typo.yml"));
    FAIL();
  } catch (const UsageError& e) {
    const std::string m = e.what();
    EXPECT_TRUE(has(m, "bad_typo.yml:8: training_parameters.lerning_rate")) << m;
    EXPECT_TRUE(has(m, "did you mean `learning_rate`?")) << m;
  }
  EXPECT_TRUE(has(error_of("limits:\n  max_trial: 3\n"), "did you mean `max_trials`?"));
  EXPECT_TRUE(has(error_of("experiment_nam: x\n"), "job.yml:6: experiment_nam: unknown key 'experiment_nam' (did "
                                                   "you mean `experiment_name`?)"));
  EXPECT_TRUE(has(error_of("learning_rate: 0.1\n"), "put it under training_parameters"));
  EXPECT_TRUE(has(error_of("max_trials: 3\n"), "belongs under limits"));
  EXPECT_TRUE(has(error_of("training_parameters:\n  lr: 0.1\n"), "did you mean `learning_rate`?"));
  EXPECT_TRUE(has(error_of("training_parameters:\n  early_stopping: true\n  early_stopping: false\n"),
                  "job.yml:8: training_parameters.early_stopping: key 'early_stopping' is given twice"));
  EXPECT_TRUE(has(error_of("training_data:\n  path: x\n"), "given twice"));
  EXPECT_TRUE(has(error_of("validation_data:\n  path: x\n  typ: mltable\n"), "did you mean `type`?"));
}

TEST(JobSpecErrors, HeaderAndData) {
  auto err = [](const std::string& text) {
    try {
      parse_job_yaml_text(text, "job.yml", "/jobs", fixed_clock());
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_TRUE(has(err("type: command\ntask: image_object_detection\n"), "expected automl"));
  EXPECT_TRUE(has(err("type: automl\ntask: image_classification\ntarget_column_name: label\n"),
                  "job.yml:2: task: task 'image_classification' is not supported"));
  EXPECT_TRUE(has(err("type: automl\ntask: ImageObjectDetection\ntraining_data: {path: d}\n"),
                  "target_column_name is missing"));
  EXPECT_TRUE(has(err("type: automl\ntask: image_object_detection\ntarget_column_name: labels\ntraining_data: d\n"),
                  "job.yml:3: target_column_name: 'labels' is not allowed for target_column_name (did you mean `label`?); "
                  "expected label"));
  EXPECT_TRUE(has(err("type: automl\ntask: image_object_detection\ntarget_column_name: label\n"),
                  "training_data is missing"));
  EXPECT_TRUE(has(err("type: automl\ntask: [image_object_detection\n"), "job.yml:3: not valid YAML"));
  EXPECT_TRUE(has(err("- type: automl\n"), "YAML mapping"));
  EXPECT_TRUE(has(err("type: automl\ndescription: caf\xe9\n"), "job.yml:2: not valid UTF-8"));
  EXPECT_TRUE(has(err(""), "YAML mapping"));
  try {
    parse_job_yaml(sample("bad_asset.yml"));
    FAIL();
  } catch (const NotSupportedError& e) {
    const std::string m = e.what();
    EXPECT_TRUE(has(m, "bad_asset.yml:5: training_data.path: 'azureml:fridge-items-training:1'")) << m;
    EXPECT_TRUE(has(m, "autodet needs a local path")) << m;
  }
  EXPECT_TRUE(has(error_of("validation_data:\n  path: https://example.com/x\n"), "remote URL"));
  EXPECT_TRUE(has(error_of("validation_data:\n  path: x\n  type: uri_table\n"), "mltable, uri_folder or uri_file"));
  EXPECT_TRUE(has(error_of("name: ../../etc\n"), "job.yml:6: name"));
}

TEST(JobSpecParse, PathsFormsAndPrimaryMetric) {
  JobSpec spec = parse("validation_data: ../val\ntest_data:\n  path: file:///data/test\n  type: uri_folder\n"
                       "primary_metric: MeanAveragePrecision\ncompute: Local\nname: my-run_1\n");
  EXPECT_EQ(spec.validation_data->path, "/jobs/val");
  EXPECT_EQ(spec.test_data->path, "/data/test");
  EXPECT_EQ(spec.test_data->type, "uri_folder");
  EXPECT_EQ(spec.primary_metric, "mean_average_precision");
  EXPECT_EQ(spec.name, "my-run_1");
  EXPECT_FALSE(spec.name_generated);
  EXPECT_TRUE(any_warning(spec, "test_data: accepted but not used"));
}

TEST(JobSpecParse, LimitsCapAndWarnings) {
  JobSpec spec = parse("limits:\n  max_trials: 2\n  max_concurrent_trials: 4\n  timeout_minutes: 120\n");
  EXPECT_EQ(spec.limits.max_concurrent_trials, 2);  // R2.1
  EXPECT_EQ(spec.limits.max_concurrent_trials_requested, 4);
  EXPECT_TRUE(any_warning(spec, "capped at max_trials"));
  EXPECT_EQ(spec.mode(), JobMode::AutoMode);

  spec = parse("validation_data: {path: v}\nvalidation_data_size: 0.3\nresources:\n  instance_type: Standard_NC6\n"
               "properties:\n  node_count_per_trial: \"2\"\noutputs:\n  best_model:\n    type: mlflow_model\n"
               "tags:\n  owner: me\n");
  EXPECT_TRUE(any_warning(spec, "job.yml:7: validation_data_size: ignored"));
  EXPECT_TRUE(any_warning(spec, "resources: ignored"));
  EXPECT_TRUE(any_warning(spec, "properties: ignored"));
  EXPECT_EQ(spec.properties["node_count_per_trial"], "2");
  EXPECT_EQ(spec.outputs["best_model"]["type"], "mlflow_model");
  EXPECT_EQ(spec.tags.at("owner"), "me");
}

TEST(JobSpecParse, ClampAndScopeWarnings) {
  JobSpec spec = parse("training_parameters:\n  validation_iou_threshold: 0.01\n  min_size: 800\n  image_size: 600\n");
  EXPECT_DOUBLE_EQ(spec.params.validation_iou_threshold, 0.1);
  EXPECT_TRUE(any_warning(spec, "job.yml:7: training_parameters.validation_iou_threshold: validation_iou_threshold "
                                "0.01 is outside [0.1, 1]; clamped to 0.1"));
  EXPECT_TRUE(any_warning(spec, "job.yml:8: training_parameters.min_size: applies to Faster R-CNN, RetinaNet and FCOS only"));
  EXPECT_TRUE(any_warning(spec, "job.yml:9: training_parameters.image_size: image_size 600 is not a multiple of 32; "
                                "using 608"));
  EXPECT_EQ(spec.params.image_size, 608);

  spec = parse("training_parameters:\n  model_name: fasterrcnn_resnet18_fpn\n  multi_scale: true\n"
               "  model_size: small\n  optimizer: adam\n  momentum: 0.8\n");
  EXPECT_TRUE(any_warning(spec, "job.yml:8: training_parameters.multi_scale: applies to yolov5 only"));
  EXPECT_TRUE(any_warning(spec, "job.yml:9: training_parameters.model_size: applies to yolov5 only"));
  EXPECT_TRUE(any_warning(spec, "job.yml:11: training_parameters.momentum: has no effect with optimizer adam"));
  EXPECT_EQ(spec.warnings.size(), 3u);

  spec = parse("training_parameters:\n  tile_grid_size: 3x2\n  log_training_metrics: enable\n");
  EXPECT_TRUE(any_warning(spec, "job.yml:8: training_parameters.log_training_metrics: training metrics are not "
                                "computed when tiling is on"));

  // In a sweep the model varies per trial, so a fixed R-CNN parameter is not flagged.
  spec = parse("training_parameters:\n  min_size: 800\nsweep:\n  sampling_algorithm: grid\nsearch_space:\n"
               "  - model_name: {type: choice, values: [yolov5, fasterrcnn_resnet50_fpn]}\n");
  EXPECT_EQ(spec.mode(), JobMode::ManualSweep);
  EXPECT_TRUE(spec.warnings.empty());
}

TEST(JobSpecParse, AdvancedSettingsStringOrMapping) {
  JobSpec spec = parse("training_parameters:\n  advanced_settings: >\n    {\"apply_mosaic_for_yolo\": false,\n"
                       "     \"stream_image_files\": true}\n");
  EXPECT_FALSE(spec.params.advanced_settings.apply_mosaic_for_yolo);
  EXPECT_TRUE(spec.params.advanced_settings.stream_image_files);
  spec = parse("training_parameters:\n  advanced_settings:\n    apply_automl_train_augmentations: false\n");
  EXPECT_FALSE(spec.params.advanced_settings.apply_automl_train_augmentations);
  const std::string m = error_of("training_parameters:\n  advanced_settings: '{\"mosaic\": false}'\n");
  EXPECT_TRUE(has(m, "job.yml:7: training_parameters.advanced_settings: advanced_settings: unknown key 'mosaic'")) << m;
}

TEST(JobSpecParse, BooleansAndEnumsAsYamlWritesThem) {
  const JobSpec spec = parse("training_parameters:\n  early_stopping: off\n  nesterov: N\n  ams_gradient: 'yes'\n"
                             "  distributed: False\n  multi_scale: 1\n  learning_rate_scheduler: Step\n"
                             "  log_validation_loss: Disable\n  validation_metric_type: COCO\n  model_size: ExtraLarge\n");
  const TrainingParams& p = spec.params;
  EXPECT_FALSE(p.early_stopping);
  EXPECT_FALSE(p.nesterov);
  EXPECT_TRUE(p.ams_gradient);
  EXPECT_FALSE(p.distributed);
  EXPECT_TRUE(p.multi_scale);
  EXPECT_EQ(p.learning_rate_scheduler, "step");
  EXPECT_FALSE(p.log_validation_loss);
  EXPECT_EQ(p.validation_metric_type, "coco");
  EXPECT_EQ(p.model_size, "extra_large");
}

TEST(JobSpecSweep, ModesAndChecks) {
  const std::string space = "search_space:\n  - model_name: {type: choice, values: [yolov5]}\n";
  EXPECT_EQ(parse("sweep:\n  sampling_algorithm: Grid\n" + space).sweep["sampling_algorithm"], "grid");
  EXPECT_TRUE(has(error_of(space), "search_space needs a sweep"));
  EXPECT_TRUE(has(error_of("sweep:\n  sampling_algorithm: random\n"), "sweep needs a search_space"));
  EXPECT_TRUE(has(error_of("sweep:\n  early_termination: {type: bandit, slack_factor: 0.1}\n" + space),
                  "sampling_algorithm is missing"));
  EXPECT_TRUE(has(error_of("sweep:\n  sampling_algorithm: sobol\n" + space), "random, grid, bayesian"));
  EXPECT_TRUE(has(error_of("sweep:\n  sampling_algorithm: random\n  early_termination:\n    type: bandit\n" + space),
                  "exactly one of slack_factor (stop below best / (1 + slack_factor)) and slack_amount"));
  EXPECT_TRUE(has(error_of("sweep:\n  sampling_algorithm: random\n  early_termination:\n    type: truncation_selection\n"
                           "    truncation_percentage: 100\n" + space),
                  "job.yml:10: sweep.early_termination.truncation_percentage"));
  EXPECT_TRUE(has(error_of("sweep:\n  sampling_algorithm: random\n  early_termination:\n    type: median_stopping\n"
                           "    slack_factor: 0.1\n" + space),
                  "unknown key 'slack_factor'"));
  const std::string two = "search_space:\n  - model_name: {type: choice, values: [yolov5]}\n"
                          "  - model_name: {type: choice, values: [fasterrcnn_resnet50_fpn]}\n";
  // Azure refuses bayesian sampling of conditional spaces (R2.3); autodet's TPE runs it, with a warning.
  EXPECT_TRUE(any_warning(parse("sweep:\n  sampling_algorithm: bayesian\n" + two), "takes no conditional spaces"));
  EXPECT_TRUE(any_warning(parse("sweep:\n  sampling_algorithm: bayesian\nsearch_space:\n"
                                "  - learning_rate: {type: loguniform, min_value: -9, max_value: -3}\n"),
                          "learning_rate (loguniform) run with autodet's TPE only"));
  // The sweep library's extensions are read from the job file.
  const JobSpec ext = parse("limits: {max_trials: 4, trial_timeout_minutes: 30}\nsweep:\n  sampling_algorithm: {type: Random, "
                            "seed: 7, rule: sobol}\n  early_termination: {type: asha, reduction_factor: 2}\n" + space);
  EXPECT_EQ(ext.sweep["sampling_algorithm"]["type"], "random");
  EXPECT_EQ(ext.sweep["early_termination"]["type"], "asha");
  EXPECT_EQ(ext.limits.trial_timeout_minutes, 30);
  EXPECT_TRUE(has(error_of("sweep:\n  sampling_algorithm: grid\nsearch_space:\n"
                           "  - learning_rate: {type: uniform, min_value: 0.001, max_value: 0.01}\n"),
                  "grid sampling takes only choice(...) and fixed values, but learning_rate is uniform(0.001, 0.01)"));
  // search_space contents
  const std::string sweep = "sweep:\n  sampling_algorithm: random\n";
  EXPECT_TRUE(has(error_of(sweep + "search_space:\n  model_name: {type: choice, values: [yolov5]}\n"),
                  "must be a list of sub-spaces"));
  EXPECT_TRUE(has(error_of(sweep + "search_space:\n  - model_name: {type: choice, values: [yolo5]}\n"),
                  "job.yml:9: search_space[0].model_name.values[0]: 'yolo5' is not allowed for model_name (did you "
                  "mean `yolov5`?)"));
  EXPECT_TRUE(has(error_of(sweep + "search_space:\n  - learning_rte: {type: uniform, min_value: 0.1, max_value: 0.2}\n"),
                  "did you mean `learning_rate`?"));
  EXPECT_TRUE(has(error_of(sweep + "search_space:\n  - learning_rate: {type: unifrom, min_value: 0.1, max_value: 0.2}\n"),
                  "did you mean `uniform`?"));
  EXPECT_TRUE(has(error_of(sweep + "search_space:\n  - learning_rate: {type: uniform, min_value: 0.1}\n"),
                  "uniform needs min_value and max_value"));
  EXPECT_TRUE(has(error_of(sweep + "search_space:\n  - learning_rate: {type: uniform, min_value: 0.1, max_value: 2}\n"),
                  "'uniform(0.1, 2)' is not allowed for learning_rate: it gives values from 0.1 to 2"));
  EXPECT_TRUE(has(error_of(sweep + "search_space:\n  - optimizer: [sgd, adam]\n"), "type: choice"));
  // fixed values, the SDK's string form, and tiling sub-spaces are accepted
  const JobSpec spec = parse(sweep + "search_space:\n  - model_name: fasterrcnn_resnet50_fpn\n"
                                     "    tile_grid_size: {type: choice, values: ['2x1', '3x2', '5x3']}\n"
                                     "    learning_rate: \"uniform(0.0001,0.01)\"\n"
                                     "    warmup_cosine_lr_warmup_epochs: {type: choice, values: [0, 3]}\n");
  EXPECT_EQ(spec.search_space[0]["model_name"], "fasterrcnn_resnet50_fpn");
  EXPECT_EQ(spec.search_space[0]["learning_rate"], "uniform(0.0001,0.01)");
}

TEST(JobSpecOverride, SetsParametersWithTheSameChecks) {
  JobSpec spec = parse("");
  apply_override(spec, "learning_rate=0.02");
  EXPECT_DOUBLE_EQ(spec.params.learning_rate, 0.02);
  apply_override(spec, "training_parameters.model_name=fasterrcnn_resnet50_fpn");
  EXPECT_EQ(spec.params.number_of_epochs, 15);        // default follows the new model
  EXPECT_DOUBLE_EQ(spec.params.learning_rate, 0.02);  // given: kept
  apply_override(spec, "early_stopping = no");
  EXPECT_FALSE(spec.params.early_stopping);
  apply_override(spec, "tile_grid_size=(3, 2)");
  EXPECT_EQ(spec.params.tile_grid_size->str(), "3x2");
  apply_override(spec, "limits.max_trials=5");
  EXPECT_EQ(spec.mode(), JobMode::AutoMode);
  apply_override(spec, "max_concurrent_trials=8");
  EXPECT_EQ(spec.limits.max_concurrent_trials, 5);
  apply_override(spec, "experiment_name=other");
  EXPECT_EQ(spec.experiment_name, "other");
  apply_override(spec, "validation_data_size=0.1");
  EXPECT_DOUBLE_EQ(spec.validation_data_size, 0.1);
  apply_override(spec, "max_trials=1");  // single again: the per-model checks run
  apply_override(spec, "image_size=100");
  EXPECT_EQ(spec.params.image_size, 128);
  EXPECT_TRUE(any_warning(spec, "--set: image_size: image_size 100 is not a multiple of 32"));
  EXPECT_TRUE(any_warning(spec, "--set: image_size: applies to yolov5 and fastestdet only"));  // model is fasterrcnn
  apply_override(spec, "model_name=yolov5");  // the check's warning goes; the rounding note stays
  EXPECT_FALSE(any_warning(spec, "applies to yolov5 and fastestdet only"));
  EXPECT_TRUE(any_warning(spec, "image_size 100 is not a multiple of 32"));

  auto err = [&](const std::string& kv) {
    try {
      apply_override(spec, kv);
    } catch (const UsageError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_EQ(err("learning_rate=3"), "--set: learning_rate: '3' is not allowed for learning_rate; expected a number in "
                                    "[0, 1]");
  EXPECT_EQ(err("max_trials=0"), "--set: max_trials: '0' is not allowed for max_trials; expected an integer from 1 "
                                 "to 1000");
  EXPECT_TRUE(has(err("learnin_rate=0.1"), "did you mean `learning_rate`?"));
  EXPECT_TRUE(has(err("max_trails=3"), "did you mean `max_trials`?"));
  EXPECT_TRUE(has(err("learning_rate"), "expected key=value"));
  EXPECT_TRUE(has(err("=3"), "expected key=value"));
  EXPECT_TRUE(has(err("log_verbosity=chatty"), "not_set, debug"));
  EXPECT_TRUE(has(err("name=a/b"), "not allowed for name"));
}

TEST(JobSpecParse, FastAndDoesNotTouchData) {
  // The sample's data folders do not exist; parsing never opens them.
  const JobParseOptions o = fixed_clock();
  const std::string text = read_file(sample("fridge_manual_sweep.yml"));
  const auto start = std::chrono::steady_clock::now();
  const int runs = 50;
  for (int i = 0; i < runs; ++i) parse_job_yaml_text(text, "job.yml", data_dir(), o);
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count() / runs;
  EXPECT_LT(ms, 50.0);
}

}  // namespace
}  // namespace autodet
