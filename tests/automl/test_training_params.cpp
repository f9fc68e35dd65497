// TrainingParams: per-model defaults, value spellings, range checks, the name map (§4).
#include <gtest/gtest.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "automl/advanced_settings.h"
#include "core/closest_name.h"
#include "automl/job_data.h"
#include "automl/job_name.h"
#include "automl/param_table.h"
#include "core/tile_grid.h"
#include "automl/training_params.h"
#include "core/value_words.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/rng.h"
#include "models/registry.h"

namespace autodet {
namespace {

// Sets one parameter; returns the warnings it produced.
std::vector<std::string> set(TrainingParams& p, const std::string& name, const std::string& value) {
  std::vector<std::string> warnings;
  set_param(p, name, value, Location{"job.yml", 7, "", "training_parameters." + name}, warnings);
  return warnings;
}

// The message of the UsageError set() throws ("" when none).
std::string error_of(const std::string& name, const std::string& value) {
  TrainingParams p;
  try {
    set(p, name, value);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "";
}

TEST(TrainingParamsDefaults, Yolov5IsTheDefaultModel) {
  const TrainingParams p;
  EXPECT_EQ(p.model_name, "yolov5");
  EXPECT_EQ(p.family(), ModelFamily::Yolo);
  EXPECT_EQ(p.number_of_epochs, 30);
  EXPECT_EQ(p.training_batch_size, 16);
  EXPECT_EQ(p.validation_batch_size, 16);
  EXPECT_DOUBLE_EQ(p.learning_rate, 0.01);
  EXPECT_DOUBLE_EQ(p.box_score_threshold, 0.1);
  EXPECT_EQ(p.image_size, 640);
  EXPECT_EQ(p.model_size, "medium");
  EXPECT_EQ(p.number_of_workers, 8);
  EXPECT_EQ(params_to_json(p), params_to_json(default_params("yolov5")));
}

TEST(TrainingParamsDefaults, RcnnFamilyAndRetinaNet) {
  for (const std::string name : {"fasterrcnn_resnet18_fpn", "fasterrcnn_resnet34_fpn", "fasterrcnn_resnet50_fpn",
                                 "fasterrcnn_resnet101_fpn", "fasterrcnn_resnet152_fpn", "retinanet_resnet50_fpn"}) {
    const TrainingParams p = default_params(name);
    EXPECT_EQ(p.number_of_epochs, 15) << name;
    EXPECT_EQ(p.training_batch_size, 2) << name;
    EXPECT_EQ(p.validation_batch_size, 1) << name;
    EXPECT_DOUBLE_EQ(p.learning_rate, 0.005) << name;
    EXPECT_DOUBLE_EQ(p.box_score_threshold, 0.3) << name;
    EXPECT_EQ(p.min_size, 600) << name;
    EXPECT_EQ(p.max_size, 1333) << name;
    EXPECT_EQ(p.box_detections_per_image, 100) << name;
    EXPECT_EQ(p.number_of_workers, 4) << name;
    // shared defaults
    EXPECT_EQ(p.learning_rate_scheduler, "warmup_cosine");
    EXPECT_EQ(p.optimizer, "sgd");
    EXPECT_DOUBLE_EQ(p.warmup_cosine_lr_cycles, 0.45);
    EXPECT_TRUE(p.early_stopping);
    EXPECT_EQ(p.validation_metric_type, "voc");
    EXPECT_FALSE(p.tile_grid_size.has_value());
    EXPECT_DOUBLE_EQ(p.tile_overlap_ratio, 0.25);
  }
  EXPECT_EQ(model_family("retinanet_resnet50_fpn"), ModelFamily::RetinaNet);
  EXPECT_THROW(default_params("fasterrcnn_mobilenet_v3_large_fpn"), UsageError);  // R3.2: not an AutoML model
}

// A job file may name only what training can build: every model name the job layer accepts is a
// registered detector, and the family the job layer maps it to is the one the registry builds.
TEST(TrainingParamsModels, EveryAcceptedModelNameIsARegisteredDetector) {
  for (const auto& name : known_model_names()) {
    EXPECT_TRUE(models::is_registered_detector(name)) << name << " is accepted in job files but no detector family builds it";
    EXPECT_NO_THROW(model_family(name)) << name;
  }
  for (const auto& name : models::registered_detectors())
    EXPECT_NE(std::find(known_model_names().begin(), known_model_names().end(), name), known_model_names().end())
        << name << " is registered but job files cannot name it";
}

TEST(TrainingParamsDefaults, FollowTheModelUnlessGiven) {
  TrainingParams p;
  set(p, "learning_rate", "0.02");
  set(p, "model_name", "fasterrcnn_resnet50_fpn");  // given after: defaults still resolve for R-CNN
  EXPECT_DOUBLE_EQ(p.learning_rate, 0.02);          // explicit: kept
  EXPECT_EQ(p.number_of_epochs, 15);
  EXPECT_EQ(p.training_batch_size, 2);
  set(p, "model_name", "YOLOv5");
  EXPECT_EQ(p.model_name, "yolov5");
  EXPECT_EQ(p.number_of_epochs, 30);
  EXPECT_DOUBLE_EQ(p.learning_rate, 0.02);
  EXPECT_EQ(p.explicitly_set, (std::set<std::string>{"learning_rate", "model_name"}));
  set(p, "learning_rate", "null");  // unset: back to the model's default
  EXPECT_DOUBLE_EQ(p.learning_rate, 0.01);
  EXPECT_EQ(p.explicitly_set.count("learning_rate"), 0u);
}

TEST(TrainingParamsValues, BooleanSpellings) {
  TrainingParams p;
  for (const std::string yes : {"y", "yes", "t", "true", "on", "1", "Y", "YES", "True", "TRUE", "On"}) {
    p.nesterov = false;
    set(p, "nesterov", yes);
    EXPECT_TRUE(p.nesterov) << yes;
  }
  for (const std::string no : {"n", "no", "f", "false", "off", "0", "N", "No", "False", "OFF"}) {
    p.nesterov = true;
    set(p, "nesterov", no);
    EXPECT_FALSE(p.nesterov) << no;
  }
  const std::string e = error_of("nesterov", "maybe");
  EXPECT_NE(e.find("job.yml:7"), std::string::npos) << e;
  EXPECT_NE(e.find("'maybe'"), std::string::npos) << e;
  EXPECT_NE(e.find("true or false"), std::string::npos) << e;
}

TEST(TrainingParamsValues, EnumCaseVariants) {
  TrainingParams p;
  for (const std::string s : {"warmup_cosine", "WarmupCosine", "WARMUP_COSINE", "warmup-cosine", "warmupCosine"}) {
    p.learning_rate_scheduler = "step";
    set(p, "learning_rate_scheduler", s);
    EXPECT_EQ(p.learning_rate_scheduler, "warmup_cosine") << s;
  }
  set(p, "learning_rate_scheduler", "None");
  EXPECT_EQ(p.learning_rate_scheduler, "none");  // a value, not "unset"
  set(p, "optimizer", "AdamW");
  EXPECT_EQ(p.optimizer, "adamw");
  set(p, "optimizer", "SGD");
  EXPECT_EQ(p.optimizer, "sgd");
  set(p, "validation_metric_type", "CocoVoc");
  EXPECT_EQ(p.validation_metric_type, "coco_voc");
  set(p, "validation_metric_type", "none");
  EXPECT_EQ(p.validation_metric_type, "none");
  set(p, "model_name", "FasterRCNN_ResNet50_FPN");
  EXPECT_EQ(p.model_name, "fasterrcnn_resnet50_fpn");
  const std::string e = error_of("optimizer", "adagrad");
  EXPECT_NE(e.find("'adagrad'"), std::string::npos) << e;
  EXPECT_NE(e.find("one of: sgd, adam, adamw"), std::string::npos) << e;
  EXPECT_NE(error_of("optimizer", "adamm").find("did you mean `adam`"), std::string::npos);
}

TEST(TrainingParamsValues, ModelSizeAliasesAndStrictness) {
  TrainingParams p;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"small", "small"}, {"Small", "small"},      {"s", "small"},       {"medium", "medium"},
      {"large", "large"}, {"ExtraLarge", "extra_large"}, {"extra_large", "extra_large"},
      {"xlarge", "extra_large"}, {"x", "extra_large"}, {"nano", "nano"}, {"N", "nano"}};
  for (const auto& [in, out] : cases) {
    set(p, "model_size", in);
    EXPECT_EQ(p.model_size, out) << in;
  }
  // Azure reads only the first letter and falls back to medium; autodet refuses a wrong size.
  const std::string e = error_of("model_size", "huge");
  EXPECT_NE(e.find("'huge'"), std::string::npos) << e;
  EXPECT_NE(e.find("nano, small, medium, large, extra_large"), std::string::npos) << e;
  EXPECT_FALSE(error_of("model_size", "sm").empty());
}

TEST(TrainingParamsValues, NumbersAndRanges) {
  TrainingParams p;
  set(p, "learning_rate", "1e-4");
  EXPECT_DOUBLE_EQ(p.learning_rate, 1e-4);
  set(p, "number_of_epochs", "4.0");  // what a quniform sampler yields for an integer
  EXPECT_EQ(p.number_of_epochs, 4);
  EXPECT_NE(error_of("number_of_epochs", "4.5").find("an integer >= 1"), std::string::npos);
  EXPECT_NE(error_of("number_of_epochs", "0").find("'0'"), std::string::npos);
  EXPECT_FALSE(error_of("number_of_epochs", "99999999999").empty());
  const std::string e = error_of("learning_rate", "1.5");
  EXPECT_NE(e.find("training_parameters.learning_rate"), std::string::npos) << e;
  EXPECT_NE(e.find("'1.5'"), std::string::npos) << e;
  EXPECT_NE(e.find("a number in [0, 1]"), std::string::npos) << e;
  EXPECT_FALSE(error_of("learning_rate", "nan").empty());
  EXPECT_FALSE(error_of("learning_rate", "inf").empty());
  EXPECT_FALSE(error_of("learning_rate", "0x10").empty());
  EXPECT_FALSE(error_of("momentum", "abc").empty());
  EXPECT_NE(error_of("warmup_cosine_lr_warmup_epochs", "-1").find("an integer >= 0"), std::string::npos);
  set(p, "warmup_cosine_lr_warmup_epochs", "0");
  EXPECT_EQ(p.warmup_cosine_lr_warmup_epochs, 0);
  set(p, "tile_overlap_ratio", "0");
  EXPECT_NE(error_of("tile_overlap_ratio", "1").find("a number in [0, 1)"), std::string::npos);
  set(p, "number_of_workers", "0");
  EXPECT_EQ(p.number_of_workers, 0);
}

TEST(TrainingParamsValues, ImageSizeRoundsUpToStride) {
  TrainingParams p;
  auto w = set(p, "image_size", "100");
  EXPECT_EQ(p.image_size, 128);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_NE(w[0].find("job.yml:7"), std::string::npos) << w[0];
  EXPECT_NE(w[0].find("using 128"), std::string::npos) << w[0];
  EXPECT_TRUE(set(p, "image_size", "1024").empty());
  EXPECT_EQ(p.image_size, 1024);
  EXPECT_NE(error_of("image_size", "16").find("an integer from 32 to 8192"), std::string::npos);
}

TEST(TrainingParamsValues, ValidationIouThresholdIsClamped) {
  TrainingParams p;
  auto w = set(p, "validation_iou_threshold", "0.05");
  EXPECT_DOUBLE_EQ(p.validation_iou_threshold, 0.1);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_NE(w[0].find("clamped to 0.1"), std::string::npos) << w[0];
  w = set(p, "validation_iou_threshold", "1.5");
  EXPECT_DOUBLE_EQ(p.validation_iou_threshold, 1.0);
  EXPECT_EQ(w.size(), 1u);
  EXPECT_TRUE(set(p, "validation_iou_threshold", "0.75").empty());
  EXPECT_DOUBLE_EQ(p.validation_iou_threshold, 0.75);
}

TEST(TrainingParamsValues, TileGridForms) {
  for (const std::string s : {"3x2", "3X2", "(3, 2)", "(3,2)", " 3 x 2 "}) {
    const auto g = parse_tile_grid(s);
    ASSERT_TRUE(g.has_value()) << s;
    EXPECT_EQ(*g, (TileGrid{3, 2})) << s;
  }
  for (const std::string s : {"1x1", "0x2", "3x", "x2", "3x2x1", "-3x2", "3.5x2", "three"})
    EXPECT_FALSE(parse_tile_grid(s).has_value()) << s;
  TrainingParams p;
  std::vector<std::string> w;
  set_param_json(p, "tile_grid_size", nlohmann::json::array({2, 1}), Location{}, w);
  EXPECT_EQ(p.tile_grid_size->str(), "2x1");
  set(p, "tile_grid_size", "None");  // unset: tiling off
  EXPECT_FALSE(p.tile_grid_size.has_value());
  EXPECT_NE(error_of("tile_grid_size", "1x1").find("not 1x1"), std::string::npos);
}

TEST(TrainingParamsValues, SwitchesOptionalsAndExtras) {
  TrainingParams p;
  set(p, "log_training_metrics", "Enable");
  EXPECT_TRUE(p.log_training_metrics);
  set(p, "log_validation_loss", "disable");
  EXPECT_FALSE(p.log_validation_loss);
  EXPECT_NE(error_of("log_validation_loss", "sometimes").find("enable or disable"), std::string::npos);
  set(p, "checkpoint_run_id", "fridge-20250101-000000-beef_trial_1");
  EXPECT_EQ(*p.checkpoint_run_id, "fridge-20250101-000000-beef_trial_1");
  set(p, "layers_to_freeze", "2");
  EXPECT_EQ(*p.layers_to_freeze, 2);
  set(p, "random_seed", "47");
  EXPECT_EQ(*p.random_seed, 47);
  for (const auto& [in, out] : std::vector<std::pair<std::string, std::string>>{
           {"auto", "auto"}, {"CPU", "cpu"}, {"cuda", "cuda"}, {"cuda:1", "cuda:1"}, {"gpu", "cuda"}}) {
    set(p, "device", in);
    EXPECT_EQ(p.device, out);
  }
  EXPECT_NE(error_of("device", "tpu").find("auto, cpu, cuda or cuda:N"), std::string::npos);
  EXPECT_FALSE(error_of("device", "cuda:x").empty());
  set(p, "precision", "BF16");
  EXPECT_EQ(p.precision, "bf16");
  set(p, "precision", "float32");
  EXPECT_EQ(p.precision, "fp32");
  EXPECT_NE(error_of("precision", "fp16").find("auto, fp32, bf16"), std::string::npos);
  EXPECT_EQ(p.best_epoch_metric, "primary");
  set(p, "best_epoch_metric", "coco_ap");
  EXPECT_EQ(p.best_epoch_metric, "coco_ap");
  EXPECT_NE(error_of("best_epoch_metric", "ap50").find("one of: primary, coco_ap"), std::string::npos);
}

// COCO AP picks epochs only where validation computes metrics at all.
TEST(TrainingParamsValues, CocoApEpochChoiceNeedsValidationMetrics) {
  TrainingParams p = default_params("yolov5");
  p.pretrained_weights = "none";  // no weights cache needed
  p.best_epoch_metric = "coco_ap";
  p.validation_metric_type = "voc";  // COCO AP is computed anyway
  EXPECT_EQ(to_train_config(p).best_epoch_metric, "coco_ap");
  p.validation_metric_type = "none";
  try {
    to_train_config(p);
    ADD_FAILURE() << "coco_ap with validation_metric_type none was accepted";
  } catch (const UsageError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("best_epoch_metric"), std::string::npos) << what;
    EXPECT_NE(what.find("validation_metric_type none"), std::string::npos) << what;
  }
}

// Test-time augmentation reaches the trainer; epochs are validated without it (no tiled-style
// validation settings), and auto, which chooses by the validation metric, needs one.
TEST(TrainingParamsValues, TestTimeAugmentationReachesTheTrainer) {
  TrainingParams p = default_params("yolov5");
  p.pretrained_weights = "none";
  EXPECT_EQ(p.test_time_augmentation, "none");
  EXPECT_NE(error_of("test_time_augmentation", "rotate").find("one of: none, flip, multi_scale_flip, auto"),
            std::string::npos);
  set(p, "test_time_augmentation", "multi_scale_flip");
  TrainConfig c = to_train_config(p);
  EXPECT_EQ(c.test_time_augmentation, "multi_scale_flip");
  EXPECT_FALSE(c.validation_settings);
  set(p, "test_time_augmentation", "auto");
  EXPECT_EQ(to_train_config(p).test_time_augmentation, "auto");
  p.validation_metric_type = "none";
  EXPECT_THROW(to_train_config(p), UsageError);
  set(p, "test_time_augmentation", "flip");
  EXPECT_EQ(to_train_config(p).test_time_augmentation, "flip");
}

TEST(TrainingParamsValues, UnknownNameSuggestsTheJobName) {
  EXPECT_NE(error_of("lerning_rate", "0.1").find("did you mean `learning_rate`?"), std::string::npos);
  EXPECT_NE(error_of("lr", "0.1").find("did you mean `learning_rate`?"), std::string::npos);
  EXPECT_NE(error_of("box_score_thresh", "0.1").find("did you mean `box_score_threshold`?"), std::string::npos);
  EXPECT_NE(error_of("img_size", "640").find("did you mean `image_size`?"), std::string::npos);
  EXPECT_NE(error_of("epochs", "5").find("did you mean `number_of_epochs`?"), std::string::npos);
  EXPECT_NE(error_of("optimiser", "sgd").find("did you mean `optimizer`?"), std::string::npos);
  EXPECT_EQ(error_of("zzzzqqqq", "1").find("did you mean"), std::string::npos);
}

TEST(TrainingParamsValues, JsonValuesFromSamplers) {
  TrainingParams p;
  std::vector<std::string> w;
  set_param_json(p, "learning_rate", nlohmann::json(0.003), Location{}, w);
  set_param_json(p, "number_of_epochs", nlohmann::json(7), Location{}, w);
  set_param_json(p, "multi_scale", nlohmann::json(true), Location{}, w);
  set_param_json(p, "model_size", nlohmann::json("large"), Location{}, w);
  set_param_json(p, "advanced_settings", nlohmann::json{{"apply_mosaic_for_yolo", false}}, Location{}, w);
  EXPECT_DOUBLE_EQ(p.learning_rate, 0.003);
  EXPECT_EQ(p.number_of_epochs, 7);
  EXPECT_TRUE(p.multi_scale);
  EXPECT_EQ(p.model_size, "large");
  EXPECT_FALSE(p.advanced_settings.apply_mosaic_for_yolo);
  EXPECT_TRUE(p.advanced_settings.apply_automl_train_augmentations);
}

TEST(TrainingParamsAdvanced, SettingsJsonString) {
  const Location at{"job.yml", 12, "", "training_parameters.advanced_settings"};
  auto s = parse_advanced_settings(R"({"apply_automl_train_augmentations": false, "stream_image_files": "true"})", at);
  EXPECT_FALSE(s.apply_automl_train_augmentations);
  EXPECT_TRUE(s.apply_mosaic_for_yolo);
  EXPECT_TRUE(s.stream_image_files);
  EXPECT_EQ(parse_advanced_settings("  ", at), AdvancedSettings{});
  auto message = [&](const std::string& text) {
    try {
      parse_advanced_settings(text, at);
    } catch (const UsageError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  const std::string unknown = message(R"({"apply_mosaic_for_yolov5": false})");
  EXPECT_NE(unknown.find("job.yml:12"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("'apply_mosaic_for_yolov5'"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("did you mean `apply_mosaic_for_yolo`?"), std::string::npos) << unknown;
  EXPECT_NE(message(R"({"apply_mosaic_for_yolo": fals})").find("not valid JSON"), std::string::npos);
  EXPECT_NE(message(R"({"apply_mosaic_for_yolo": "perhaps"})").find("true or false"), std::string::npos);
  EXPECT_NE(message(R"([1, 2])").find("JSON object"), std::string::npos);
  EXPECT_NE(message(R"({"stream_image_files": 1e999})").find("not valid JSON"), std::string::npos);
}

TEST(TrainingParamsTable, NameMapAndInferenceSettings) {
  const auto* score = find_param("box_score_threshold");
  ASSERT_NE(score, nullptr);
  EXPECT_EQ(score->runtime_name, "box_score_thresh");
  EXPECT_EQ(score->inference_key, "box_score_thresh");
  EXPECT_EQ(find_param("nms_iou_threshold")->inference_key, "nms_iou_thresh");
  EXPECT_EQ(find_param("box_detections_per_image")->runtime_name, "box_detections_per_img");
  EXPECT_EQ(find_param("gradient_accumulation_step")->runtime_name, "grad_accumulation_step");
  EXPECT_EQ(find_param("learning_rate_scheduler")->runtime_name, "lr_scheduler");
  EXPECT_EQ(find_param("ams_gradient")->runtime_name, "amsgrad");
  EXPECT_EQ(find_param("image_size")->inference_key, "img_size");
  EXPECT_EQ(find_param("tile_predictions_nms_threshold")->inference_key, "tile_predictions_nms_thresh");
  EXPECT_EQ(find_param("learning_rate")->inference_key, "");

  const nlohmann::json yolo = inference_settings(default_params("yolov5"));  // §7.3
  EXPECT_EQ(yolo, (nlohmann::json{{"img_size", 640}, {"model_size", "medium"}, {"box_score_thresh", 0.1},
                                  {"nms_iou_thresh", 0.5}, {"tile_grid_size", nullptr},
                                  {"tile_overlap_ratio", 0.25}, {"tile_predictions_nms_thresh", 0.25}}));
  TrainingParams r = default_params("fasterrcnn_resnet50_fpn");
  std::vector<std::string> w;
  set_param(r, "tile_grid_size", "3x2", Location{}, w);
  EXPECT_EQ(inference_settings(r),
            (nlohmann::json{{"min_size", 600}, {"max_size", 1333}, {"box_score_thresh", 0.3}, {"nms_iou_thresh", 0.5},
                            {"box_detections_per_img", 100}, {"tile_grid_size", "3x2"}, {"tile_overlap_ratio", 0.25},
                            {"tile_predictions_nms_thresh", 0.25}}));
}

TEST(TrainingParamsTable, JsonHasEveryParameterByJobName) {
  const nlohmann::json j = params_to_json(default_params("retinanet_resnet50_fpn"));
  EXPECT_EQ(j.size(), param_table().size());
  for (const auto& info : param_table()) EXPECT_TRUE(j.contains(info.name)) << info.name;
  EXPECT_EQ(j["log_validation_loss"], "enable");
  EXPECT_EQ(j["log_training_metrics"], "disable");
  EXPECT_TRUE(j["checkpoint_run_id"].is_null());
  EXPECT_EQ(j["advanced_settings"]["apply_mosaic_for_yolo"], true);
  EXPECT_EQ(j["model_name"], "retinanet_resnet50_fpn");
  EXPECT_EQ(j["learning_rate"], 0.005);
}

TEST(TrainingParamsTable, EveryParameterIsDocumented) {
  const std::string doc = read_file(std::string(AUTODET_SOURCE_DIR) + "/docs/job.md");
  for (const auto& info : param_table())
    EXPECT_NE(doc.find("`" + info.name + "`"), std::string::npos) << info.name << " is missing from docs/job.md";
}

TEST(TrainingParamsWords, CamelToSnakeAndNumbers) {
  EXPECT_EQ(camel_to_snake("WarmupCosine"), "warmup_cosine");
  EXPECT_EQ(camel_to_snake("ExtraLarge"), "extra_large");
  EXPECT_EQ(camel_to_snake("CocoVoc"), "coco_voc");
  EXPECT_EQ(camel_to_snake("MeanAveragePrecision"), "mean_average_precision");
  EXPECT_EQ(camel_to_snake("image_object_detection"), "image_object_detection");
  EXPECT_EQ(camel_to_snake("ImageObjectDetection"), "image_object_detection");
  EXPECT_EQ(number_text(0.01), "0.01");
  EXPECT_EQ(number_text(1e-4), "0.0001");
  EXPECT_EQ(edit_distance("lerning_rate", "learning_rate"), 1u);
  EXPECT_EQ(edit_distance("optimzier", "optimizer"), 1u);  // a swap counts once
  EXPECT_EQ(closest_name("max_trail", {"max_trials", "timeout_minutes"}), "max_trials");
}

TEST(TrainingParamsJobName, GeneratedFromClockAndSeed) {
  const auto t = std::chrono::system_clock::from_time_t(1735689601);  // 2025-01-01 00:00:01 UTC
  Rng a(42), b(42);
  const std::string n = generate_job_name("My fridge experiment!", t, a);
  EXPECT_EQ(n, generate_job_name("My fridge experiment!", t, b));
  EXPECT_EQ(n.rfind("My-fridge-experiment-20250101-000001-", 0), 0u) << n;
  EXPECT_EQ(n.size(), std::string("My-fridge-experiment-20250101-000001-").size() + 4);
  EXPECT_TRUE(valid_job_name(n));
  Rng c(1);
  EXPECT_EQ(generate_job_name("", t, c).rfind("job-20250101-000001-", 0), 0u);
  EXPECT_FALSE(valid_job_name("../escape"));
  EXPECT_FALSE(valid_job_name("-x"));
  EXPECT_FALSE(valid_job_name(""));
  EXPECT_TRUE(valid_job_name("fridge_run-1"));
}

}  // namespace
}  // namespace autodet
