// End-to-end training on a tiny synthetic set: the loop, checkpoints, resume, the package.
#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <torch/torch.h>

#include "core/error.h"
#include "core/fs.h"
#include "core/image_io.h"
#include "deploy/predictor.h"
#include "eval/eval_set.h"
#include "package/image_detect.h"
#include "data/synth.h"
#include "package/model_package.h"
#include "test_util.h"
#include "train/checkpoint.h"
#include "train/trainer.h"

using namespace autodet;
using namespace autodet::testing;

namespace {

TrainConfig tiny_config() {
  TrainConfig c;
  c.model_size = "nano";
  c.image_size = 128;
  c.epochs = 3;
  c.batch_size = 8;
  c.validation_batch_size = 8;
  c.warmup_epochs = 1;
  c.precision = "fp32";
  c.device = "cpu";
  c.workers = 2;
  c.seed = 3;
  return c;
}

struct TinyData {
  TempDir dir;
  Dataset train, val;
  TinyData() {
    SynthOptions o;
    o.images = 20;
    o.classes = 2;
    o.width = o.height = 128;
    o.seed = 7;
    Dataset all = generate_synthetic(o, dir.path());
    for (std::size_t i = 0; i < all.images.size(); ++i) (i < 16 ? train : val).images.push_back(all.images[i]);
  }
};

struct Recorder : TrainHook {
  std::vector<EpochSummary> epochs;
  void on_epoch_end(const EpochSummary& s) override { epochs.push_back(s); }
};

}  // namespace

TEST(Trainer, TrainsEvaluatesAndWritesThePackage) {
  TinyData d;
  TempDir out;
  Recorder rec;
  TrainResult r = train_detector(tiny_config(), d.train, d.val, out.path(), false, {&rec});
  EXPECT_EQ(r.epochs_run, 3);
  ASSERT_EQ(rec.epochs.size(), 3u);
  for (const auto& e : rec.epochs) {
    EXPECT_TRUE(e.evaluated);  // evaluation_frequency 1
    EXPECT_TRUE(std::isfinite(e.metrics.at("log_loss_train")));
    EXPECT_GE(e.metrics.at("mean_average_precision"), 0.0);
    EXPECT_TRUE(e.metrics.count("log_loss"));
  }
  EXPECT_GE(r.best_epoch, 0);
  ModelPackage p = read_model_package(r.package_dir);
  EXPECT_EQ(p.labels, (std::vector<std::string>{"circle", "square"}));
  EXPECT_EQ(p.settings["img_size"], 128);
  EXPECT_EQ(p.settings["model_size"], "nano");
  EXPECT_EQ(p.architecture["num_classes"], 2);
  EXPECT_EQ(p.per_label_metrics["circle"]["average_precision"].size(), 3u);
  EXPECT_EQ(read_checkpoint_meta(join_path(out.path(), "checkpoint.pt"))["epoch"], 2);
}

TEST(Trainer, BestEpochByCocoApPicksTheEpochWithTheBestApAcrossIouThresholds) {
  TinyData d;
  TempDir out;
  Recorder rec;
  TrainConfig c = tiny_config();
  c.epochs = 4;
  c.early_stopping = false;
  c.box_score_threshold = 0.0;  // an untrained model's scores are low; keep every detection
  c.best_epoch_metric = "coco_ap";  // metric_type stays voc: COCO AP is computed anyway
  TrainResult r = train_detector(c, d.train, d.val, out.path(), false, {&rec});
  ASSERT_EQ(rec.epochs.size(), 4u);
  int want = -1;
  double best = -1;
  for (const auto& e : rec.epochs) {
    ASSERT_TRUE(e.metrics.count("coco_AP"));
    ASSERT_TRUE(e.metrics.count("mean_average_precision"));  // the primary (VOC) value is still reported
    const double ap = std::max(0.0, e.metrics.at("coco_AP"));
    if (ap >= best) best = ap, want = e.epoch;  // ties go to the later epoch (R4.13)
  }
  EXPECT_EQ(r.best_epoch, want);
  EXPECT_DOUBLE_EQ(r.best_score, best);
  EXPECT_EQ(r.score_name, "COCO AP@[.5:.95]");
  EXPECT_EQ(read_model_package(r.package_dir).metrics["best_epoch"], want);
}

TEST(Trainer, LogTrainingMetricsEvaluatesTheTrainingImagesToo) {
  TinyData d;
  TempDir out;
  Recorder rec;
  TrainConfig c = tiny_config();
  c.epochs = 1;
  c.log_training_metrics = true;
  c.box_score_threshold = 0.0;  // an untrained model's scores are low; keep every detection
  TrainResult r = train_detector(c, d.train, d.val, out.path(), false, {&rec});
  ASSERT_EQ(rec.epochs.size(), 1u);
  const auto& m = rec.epochs[0].metrics;
  ASSERT_TRUE(m.count("mean_average_precision_train"));
  EXPECT_TRUE(m.count("precision_train"));
  EXPECT_TRUE(m.count("recall_train"));
  EXPECT_FALSE(m.count("log_loss_train_train"));
  EXPECT_GE(m.at("recall_train"), 0.0);
  EXPECT_LE(m.at("recall_train"), 1.0);
  ModelPackage p = read_model_package(r.package_dir);
  EXPECT_EQ(p.metrics["per_label_metrics_train"]["circle"]["average_precision"].size(), 1u);
}

TEST(Trainer, ResumeContinuesExactlyWhereItStopped) {
  TinyData d;
  TempDir a, b;
  // Reference: 3 epochs straight.
  TrainResult full = train_detector(tiny_config(), d.train, d.val, a.path(), false, {});
  // Interrupted after 2 epochs (max_minutes tiny = stop after the first epoch that crosses it is
  // not deterministic, so stop via the epoch count), then resumed to 3.
  TrainConfig two = tiny_config();
  two.epochs = 3;
  std::atomic<bool> stop{false};
  struct StopAfter : TrainHook {
    std::atomic<bool>* flag;
    int after;
    void on_epoch_end(const EpochSummary& s) override {
      if (s.epoch + 1 == after) flag->store(true);
    }
  } hook;
  hook.flag = &stop;
  hook.after = 2;
  TrainResult part = train_detector(two, d.train, d.val, b.path(), false, {&hook}, &stop);
  EXPECT_TRUE(part.interrupted);
  EXPECT_EQ(part.epochs_run, 2);
  Recorder rec;
  TrainResult rest = train_detector(tiny_config(), d.train, d.val, b.path(), true, {&rec});
  EXPECT_FALSE(rest.interrupted);
  EXPECT_EQ(rest.epochs_run, 3);
  ASSERT_EQ(rec.epochs.size(), 1u);  // only the third epoch ran again
  EXPECT_EQ(rec.epochs[0].epoch, 2);
  // Same data order, schedule, optimizer and EMA state: the resumed run ends where the straight one did.
  EXPECT_NEAR(rest.best_score, full.best_score, 1e-6);
  EXPECT_EQ(rest.best_epoch, full.best_epoch);
}

TEST(Trainer, RejectsUnusableData) {
  TinyData d;
  TempDir out;
  Dataset empty;
  EXPECT_THROW(train_detector(tiny_config(), empty, d.val, out.path(), false, {}), DataError);
  Dataset no_boxes = d.train;
  for (auto& im : no_boxes.images) im.boxes.clear();
  EXPECT_THROW(train_detector(tiny_config(), no_boxes, d.val, out.path(), false, {}), DataError);
  TrainConfig bad = tiny_config();
  bad.model_name = "detr_resnet50";  // a name no detector family registers
  EXPECT_THROW(train_detector(bad, d.train, d.val, out.path(), false, {}), NotSupportedError);
}

TEST(Trainer, TiledValidationScoresTheFullResolutionImagesAndShipsTheTiling) {
  TinyData d;
  TempDir out;
  Recorder rec;
  TrainConfig c = tiny_config();
  c.epochs = 2;
  c.early_stopping = false;
  c.box_score_threshold = 0.001;
  c.validation_batch_size = 3;  // 4 validation images: batches of 3 and 1
  InferenceSettings s;
  s.img_size = c.image_size;
  s.box_score_thresh = c.box_score_threshold;
  s.tile_grid = TileGrid{2, 2};
  c.validation_settings = s;
  c.package_settings = {{"tile_grid_size", "2x2"}};
  TrainResult r = train_detector(c, d.train, d.val, out.path(), false, {&rec});
  ASSERT_EQ(rec.epochs.size(), 2u);
  for (const auto& e : rec.epochs) EXPECT_FALSE(e.metrics.count("log_loss"));
  EXPECT_EQ(read_model_package(r.package_dir).settings["tile_grid_size"], "2x2");

}

// Test-time augmentation after training: auto scores the best epoch's model on the validation
// images with each kind and ships the best; a fixed kind is shipped and scored against none.
TEST(Trainer, TestTimeAugmentationIsScoredOnTheValidationImagesAndShipped) {
  TinyData d;
  TempDir out;
  TrainConfig c = tiny_config();
  c.epochs = 2;
  c.early_stopping = false;
  c.box_score_threshold = 0.001;
  c.metric_type = "coco";
  c.best_epoch_metric = "coco_ap";
  c.test_time_augmentation = "auto";
  TrainResult r = train_detector(c, d.train, d.val, out.path(), false, {});
  const ModelPackage pkg = read_model_package(r.package_dir);
  const auto& tta = pkg.metrics["test_time_augmentation"];
  ASSERT_TRUE(tta.is_object()) << pkg.metrics.dump();
  const std::string chosen = pkg.settings["test_time_augmentation"];
  EXPECT_EQ(tta["kind"], chosen);
  EXPECT_EQ(tta["chosen_on_validation"], true);
  double best = -1;
  std::string expect;
  for (const std::string name : {"none", "flip", "multi_scale_flip"}) {
    ASSERT_TRUE(tta["validation"][name].is_number()) << name;
    const double v = tta["validation"][name];
    EXPECT_GE(v, 0);
    if (v > best) best = v, expect = name;  // a dearer kind only when it scores higher
  }
  EXPECT_EQ(chosen, expect);
  // The plain kind's score is the package's own validation figure at its best epoch.
  EXPECT_NEAR(double(tta["validation"]["none"]), r.best_score, 0.02);

  // A fixed kind: epochs validated as without it, the kind shipped whatever it scores.
  TempDir out2;
  c.test_time_augmentation = "flip";
  const ModelPackage fixed = read_model_package(train_detector(c, d.train, d.val, out2.path(), false, {}).package_dir);
  EXPECT_EQ(fixed.settings["test_time_augmentation"], "flip");
  EXPECT_EQ(fixed.metrics["test_time_augmentation"]["kind"], "flip");
  EXPECT_EQ(fixed.metrics["test_time_augmentation"]["chosen_on_validation"], false);
  EXPECT_EQ(fixed.metrics["test_time_augmentation"]["validation"].size(), 2u);
}

// AutoMode's refit (validation images among the training images): scored once, at its last epoch,
// as training metrics and with no evaluation record; stopped early, it keeps its last weights.
TEST(Trainer, ARefitIsScoredOnceAsTrainingMetricsAndKeepsItsLastWeightsWhenCut) {
  TinyData d;
  Dataset all = d.train;
  all.images.insert(all.images.end(), d.val.images.begin(), d.val.images.end());
  TrainConfig c = tiny_config();
  c.validation_in_training = true;
  c.package_metrics = {{"refit_of", "job_0"}};
  {
    TempDir out;
    Recorder rec;
    TrainResult r = train_detector(c, all, d.val, out.path(), false, {&rec});
    ASSERT_EQ(rec.epochs.size(), 3u);
    EXPECT_FALSE(rec.epochs[0].evaluated);
    EXPECT_FALSE(rec.epochs[1].evaluated);
    ASSERT_TRUE(rec.epochs[2].evaluated);
    const auto& m = rec.epochs[2].metrics;
    EXPECT_TRUE(m.count("mean_average_precision_train"));
    EXPECT_FALSE(m.count("mean_average_precision"));
    EXPECT_FALSE(m.count("log_loss"));
    EXPECT_TRUE(rec.epochs[2].evaluation_file.empty());
    EXPECT_FALSE(fs_exists(join_path(out.path(), "evaluation.json")));
    EXPECT_EQ(r.best_epoch, 2);
    ASSERT_FALSE(r.package_dir.empty());
    const ModelPackage p = read_model_package(r.package_dir);
    EXPECT_EQ(p.metrics["refit_of"], "job_0");
    EXPECT_TRUE(p.metrics["metrics"].contains("mean_average_precision_train"));
  }
  {
    TempDir out;
    std::atomic<bool> terminate{false};
    struct TerminateAfter : TrainHook {
      std::atomic<bool>* flag = nullptr;
      void on_epoch_end(const EpochSummary& s) override {
        if (s.epoch == 1) flag->store(true);
      }
    } hook;
    hook.flag = &terminate;
    TrainResult r = train_detector(c, all, d.val, out.path(), false, {&hook}, nullptr, &terminate);
    EXPECT_TRUE(r.terminated);
    EXPECT_EQ(r.epochs_run, 2);
    EXPECT_EQ(r.best_epoch, 1);
    ASSERT_FALSE(r.package_dir.empty());
    const ModelPackage p = read_model_package(r.package_dir);
    EXPECT_EQ(p.metrics["epochs_run"], 2);
    EXPECT_EQ(p.metrics["best_epoch"], 1);
  }
}
