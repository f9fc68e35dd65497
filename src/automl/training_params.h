#pragma once
// The resolved hyperparameters of one training run (`training_parameters`, §4.2-§4.4), every
// field typed, with the per-model defaults of the docs (S2). Enum-like values are kept as their
// canonical snake_case word ("warmup_cosine", "extra_large"); the allowed words are in param_table.h.
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "automl/advanced_settings.h"
#include "core/tile_grid.h"
#include "core/error.h"

namespace autodet {

// The architecture families that decide defaults and which parameters apply.
enum class ModelFamily { Yolo, FastestDet, FasterRcnn, RetinaNet, Fcos };

// The built-in model names (§3.1, and autodet's fastestdet), yolov5 first (the default, R3.1).
const std::vector<std::string>& known_model_names();
// Family of a known model name; throws UsageError for an unknown one.
ModelFamily model_family(const std::string& model_name);
// torchvision's detectors (Faster R-CNN, RetinaNet, FCOS) share its parameters (min_size, max_size, ...).
inline bool is_rcnn_like(ModelFamily f) {
  return f == ModelFamily::FasterRcnn || f == ModelFamily::RetinaNet || f == ModelFamily::Fcos;
}
// Single-stage families trained on square inputs of image_size (YOLOv5, FastestDet).
inline bool is_single_stage(ModelFamily f) { return f == ModelFamily::Yolo || f == ModelFamily::FastestDet; }

// Member initialisers are the yolov5 defaults; default_params() gives any model's.
struct TrainingParams {
  std::string model_name = "yolov5";
  // §4.2 model-agnostic
  int number_of_epochs = 30;                 // R-CNN 15
  int training_batch_size = 16;              // R-CNN 2 (Azure's YOLO runtime uses 12)
  int validation_batch_size = 16;            // R-CNN 1
  double learning_rate = 0.01;               // R-CNN 0.005 (Azure's YOLO runtime uses 0.0075)
  std::string learning_rate_scheduler = "warmup_cosine";  // warmup_cosine | step | none
  double step_lr_gamma = 0.5;
  int step_lr_step_size = 5;
  double warmup_cosine_lr_cycles = 0.45;
  int warmup_cosine_lr_warmup_epochs = 2;
  std::string optimizer = "sgd";             // sgd | adam | adamw
  double momentum = 0.9;
  double weight_decay = 1e-4;
  bool nesterov = true;
  double beta1 = 0.9;
  double beta2 = 0.999;
  bool ams_gradient = false;
  int gradient_accumulation_step = 1;
  bool early_stopping = true;
  int early_stopping_patience = 5;
  int early_stopping_delay = 5;
  int evaluation_frequency = 1;
  std::optional<int> checkpoint_frequency;   // unset: only the best epoch is kept
  std::optional<std::string> checkpoint_run_id;  // incremental training (§8.1)
  std::optional<std::string> checkpoint_filename;  // a weight file to start from (R8.1): .pth or an autodet model.pt
  // Where training starts: auto (the family's best published weights found), coco, imagenet, none
  // (random initialisation), or a file path. Published weights are looked up in $AUTODET_WEIGHTS.
  std::string pretrained_weights = "auto";
  std::optional<int> layers_to_freeze;       // unset: model-specific (R4.14)
  bool distributed = true;
  int number_of_workers = 8;                 // R-CNN 4
  std::optional<int> random_seed;            // unset: the trainer picks one
  bool enable_onnx_normalization = false;
  bool log_training_metrics = false;         // YAML enable | disable
  bool log_validation_loss = true;           // YAML enable | disable
  AdvancedSettings advanced_settings;
  // §4.3 / §4.4 detection
  std::string validation_metric_type = "voc";  // none | coco | voc | coco_voc
  // What picks a trial's best epoch and drives its early stopping (autodet): primary (the primary
  // metric, as Azure does, R4.13) or coco_ap (COCO AP@[.5:.95], computed whatever
  // validation_metric_type says). Trials of a sweep are still ranked by the primary metric.
  std::string best_epoch_metric = "primary";
  double validation_iou_threshold = 0.5;       // clamped to [0.1, 1]
  int min_size = 600;                          // torchvision detectors only
  int max_size = 1333;                         // torchvision detectors only
  double box_score_threshold = 0.1;            // R-CNN 0.3
  double nms_iou_threshold = 0.5;
  int box_detections_per_image = 100;          // torchvision detectors only
  std::optional<TileGrid> tile_grid_size;      // unset: no tiling
  double tile_overlap_ratio = 0.25;
  double tile_predictions_nms_threshold = 0.25;
  int image_size = 640;                        // yolov5 and fastestdet (352); a multiple of 32
  std::string model_size = "medium";           // yolov5 only: nano | small | medium | large | extra_large
  bool multi_scale = false;                    // yolov5 only
  // autodet extensions
  std::string precision = "auto";              // auto | fp32 | bf16
  std::string device = "auto";                 // auto | cpu | cuda | cuda:N
  // Inference passes the package runs (package/test_time_augmentation.h): none | flip |
  // multi_scale_flip, or auto: the trial's best model is scored on the validation images with each
  // and the package keeps the best (docs/training.md).
  std::string test_time_augmentation = "none";

  // Job-level names of the parameters the user gave (YAML or --set); the rest follow model_name.
  std::set<std::string> explicitly_set;

  ModelFamily family() const { return model_family(model_name); }
};

// All defaults for a model (throws UsageError for an unknown name); explicitly_set is empty.
TrainingParams default_params(const std::string& model_name = "yolov5");

// Re-applies model_name's defaults to every parameter not in explicitly_set (after model_name changed).
void resolve_defaults(TrainingParams& params);

// Sets one parameter by its job-level name from text, with the checks of param_table.h, and marks
// it explicitly set. "null" (or "none" where that is not a value) unsets it back to its default.
// Clamping and rounding notes are appended to warnings; bad names/values throw UsageError at `where`.
void set_param(TrainingParams& params, const std::string& name, const std::string& value, const Location& where,
               std::vector<std::string>& warnings);
// The same from a JSON value (what samplers produce): numbers, booleans, strings, null.
void set_param_json(TrainingParams& params, const std::string& name, const nlohmann::json& value,
                    const Location& where, std::vector<std::string>& warnings);

// Every resolved parameter under its job-level name (unset optionals are null; tile_grid_size "3x2";
// log_training_metrics / log_validation_loss "enable"/"disable"; advanced_settings an object).
nlohmann::json params_to_json(const TrainingParams& params);

// The inference settings (settings.json / model_settings) for the model's family, keyed by the
// inference names of §4.1/§7.3, e.g. yolov5: img_size, model_size, box_score_thresh, nms_iou_thresh,
// tile_grid_size, tile_overlap_ratio, tile_predictions_nms_thresh.
nlohmann::json inference_settings(const TrainingParams& params);

}  // namespace autodet
