#pragma once
// The training loop of any detector family as a small core plus hooks. Per epoch: train on mosaic batches
// (warmup_cosine per batch or step per epoch, gradient accumulation, clipping, EMA), evaluate
// every `evaluation_frequency` epochs and at the last (R4.11), keep the best EMA weights (R4.13),
// stop early as R4.12, and write a resumable checkpoint after every epoch.
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "data/dataset.h"
#include "eval/evaluate.h"
#include "package/inference_settings.h"
#include "models/pretrained.h"

namespace autodet {

// Everything the loop needs, already validated (automl/ maps the job's parameters onto it).
struct TrainConfig {
  std::string model_name = "yolov5";
  std::string model_size = "small";
  int image_size = 640;
  int min_size = 0, max_size = 0;  // R-CNN families' resize (R4.1); 0 = their defaults
  int epochs = 30;
  int batch_size = 16;
  int validation_batch_size = 16;
  double learning_rate = 0.01;
  std::string scheduler = "warmup_cosine";  // warmup_cosine | step | none
  int warmup_epochs = 2;
  double cosine_cycles = 0.45;
  int step_size = 5;
  double step_gamma = 0.5;
  std::string optimizer = "sgd";
  double momentum = 0.9;
  bool nesterov = true;
  double weight_decay = 1e-4;
  double beta1 = 0.9, beta2 = 0.999;
  bool amsgrad = false;
  int gradient_accumulation = 1;
  double clip_value = 5.0;  // R4.9
  bool early_stopping = true;
  int early_stopping_patience = 5;
  int early_stopping_delay = 5;
  int evaluation_frequency = 1;
  std::optional<int> checkpoint_frequency;
  std::optional<int> layers_to_freeze;
  std::string metric_type = "voc";
  // primary: the best epoch is the one with the best primary metric (R4.13); coco_ap: the best COCO
  // AP@[.5:.95] (COCO metrics are then computed whatever metric_type says). best_score is that
  // number, and early stopping watches it.
  std::string best_epoch_metric = "primary";
  double iou_threshold = 0.5;
  double box_score_threshold = 0.1;
  double nms_iou_threshold = 0.5;
  int max_detections = 100;
  bool multi_scale = false;
  bool mosaic = true;
  bool augment = true;
  bool rcnn_augment = false;  // the R-CNN family's augmentations (R4.4) instead of YOLOv5's
  bool log_validation_loss = true;
  bool log_training_metrics = false;  // also evaluate on the training images (metrics named *_train)
  // The validation images are among the training images (AutoMode's refit on training + validation
  // data, docs/automode.md): their evaluation scores images the model learnt from, so its metrics
  // are recorded as training metrics (*_train), with no validation evaluation record; nothing
  // ranks the run by them.
  bool validation_in_training = false;
  std::string precision = "auto";
  std::string device = "auto";
  int workers = 0;
  int threads = 0;  // CPU threads for libtorch; 0: every core (a sweep divides them among its trials)
  std::uint64_t seed = 1;
  std::string init_weights;  // incremental training: a package's model.pt to start from
  // Published weights to start from (pretrained_weights); unset: the family's random init.
  std::optional<models::StartWeights> start_weights;
  std::string start_note;  // one line saying where training starts, for the log
  // 0: no limit. Otherwise a deadline on the training time (counting the time before a resume):
  // the first batch past it ends the run like a termination (the unfinished epoch is dropped and
  // the package holds the best epoch so far).
  double max_minutes = 0;
  // When set, validation runs tiled inference with these settings on each full-resolution
  // validation image instead of the model on prepared batches (§8.2); no validation loss then.
  std::optional<InferenceSettings> validation_settings;
  // Written over the package's default inference settings (settings.json): the tiling, say.
  nlohmann::json package_settings = nlohmann::json::object();
  // The package's test-time augmentation (settings.json): "none", "flip" or "multi_scale_flip",
  // or "auto". Epochs are validated without it (it would cost its passes every epoch); after
  // training the best epoch's model is scored on the validation images without it and with the
  // kind (auto: with each kind, and the best is kept, a cheaper one on a tie). The scores go to
  // the package's metrics.
  std::string test_time_augmentation = "none";
  // Added to the package's metrics (model.json): what a sweep knows of the run, e.g. a refit's source trial.
  nlohmann::json package_metrics = nlohmann::json::object();
};

// What each epoch produced, for hooks.
struct EpochSummary {
  int epoch = 0;  // 0-based
  int epochs = 0;
  std::map<std::string, double> metrics;  // train_loss, box/obj/cls losses, lr, images_per_second, [mAP ...]
  bool evaluated = false;
  bool best = false;
  double seconds = 0;
  std::optional<eval::EvalReport> report;
  // At a best epoch: the evaluation record written for it (trial_dir/evaluation.json), else "".
  std::string evaluation_file;
};

// Observers of the loop (progress on the terminal, the run store, ...).
class TrainHook {
 public:
  virtual ~TrainHook() = default;
  virtual void on_train_begin(const nlohmann::json& /*info*/) {}
  virtual void on_batch_end(int /*epoch*/, std::size_t /*batch*/, std::size_t /*batches*/,
                            const std::map<std::string, double>& /*values*/) {}
  virtual void on_epoch_end(const EpochSummary& /*summary*/) {}
  virtual void on_train_end(const nlohmann::json& /*result*/) {}
};

struct TrainResult {
  int epochs_run = 0;        // epochs completed, including those before a resume
  int best_epoch = -1;
  double best_score = 0;
  bool stopped_early = false;
  bool interrupted = false;  // stop was requested; the last completed epoch is checkpointed
  bool terminated = false;   // terminate was requested: ended for good, the best epoch's package written
  bool timed_out = false;    // max_minutes was reached: ended for good, as terminated
  std::map<std::string, double> best_metrics;
  std::string package_dir;   // "" when interrupted before any evaluation
  std::string score_name = "mean_average_precision";  // what best_score is (TrainConfig::best_epoch_metric)
};

// Trains in trial_dir: `checkpoint.pt` (last completed epoch, resumable), `best.pt`,
// `evaluation.json` (the best epoch's evaluation record: metrics, PR curves, confusion matrices,
// validation predictions; eval/evaluation_record.h),
// `<epoch>_model.pt` (checkpoint_frequency), `model/` (the package of the best epoch).
// With resume, continues after the checkpoint's epoch. stop and terminate, when set, are polled
// between batches: stop pauses the run (resumable, no package), terminate ends it (an early
// termination or a timeout of a sweep: the package of the best epoch so far is written).
TrainResult train_detector(const TrainConfig& config, const Dataset& train, const Dataset& validation,
                           const std::string& trial_dir, bool resume, const std::vector<TrainHook*>& hooks,
                           const std::atomic<bool>* stop = nullptr, const std::atomic<bool>* terminate = nullptr);

}  // namespace autodet
