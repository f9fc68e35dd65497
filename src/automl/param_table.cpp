#include "automl/param_table.h"

#include <cmath>
#include <map>

#include <nlohmann/json.hpp>

#include "core/closest_name.h"
#include "core/value_words.h"

namespace autodet {
namespace {

using TP = TrainingParams;
constexpr double kInf = std::numeric_limits<double>::infinity();

// Fluent builder for one table row.
struct Row {
  ParamInfo p;
  Row(std::string name, ParamKind kind, ParamField field, std::string help) {
    p.name = p.runtime_name = std::move(name);
    p.kind = kind;
    p.field = field;
    p.help = std::move(help);
    p.optional = std::holds_alternative<std::optional<int> TP::*>(field) ||
                 std::holds_alternative<std::optional<std::string> TP::*>(field) ||
                 std::holds_alternative<std::optional<TileGrid> TP::*>(field);
  }
  Row& runtime(std::string r) { p.runtime_name = std::move(r); return *this; }
  Row& inference(std::string k) { p.inference_key = std::move(k); return *this; }
  Row& inference() { p.inference_key = p.runtime_name; return *this; }
  Row& range(double lo, double hi, bool hi_open = false) { p.min = lo; p.max = hi; p.max_open = hi_open; return *this; }
  Row& choices(std::vector<std::string> c) { p.choices = std::move(c); return *this; }
  Row& alias(std::string from, std::string to) { p.aliases.emplace_back(std::move(from), std::move(to)); return *this; }
  Row& rcnn() { p.scope = ParamScope::RcnnOnly; return *this; }
  Row& yolo() { p.scope = ParamScope::YoloOnly; return *this; }
  Row& single_stage() { p.scope = ParamScope::SingleStage; return *this; }
  Row& extra() { p.extra = true; return *this; }
  operator ParamInfo() const { return p; }
};

std::vector<ParamInfo> build_table() {
  using K = ParamKind;
  return {
      Row("model_name", K::Enum, &TP::model_name, "architecture (§3.1)").choices(known_model_names()),
      // §4.2 model-agnostic
      Row("number_of_epochs", K::Int, &TP::number_of_epochs, "training epochs").range(1, kInf),
      Row("training_batch_size", K::Int, &TP::training_batch_size, "images per training batch").range(1, kInf),
      Row("validation_batch_size", K::Int, &TP::validation_batch_size, "images per validation batch").range(1, kInf),
      Row("learning_rate", K::Float, &TP::learning_rate, "initial learning rate").range(0, 1),
      Row("learning_rate_scheduler", K::Enum, &TP::learning_rate_scheduler, "LR schedule (§4.7)")
          .runtime("lr_scheduler").choices({"warmup_cosine", "step", "none"}),
      Row("step_lr_gamma", K::Float, &TP::step_lr_gamma, "StepLR decay factor").range(0, 1),
      Row("step_lr_step_size", K::Int, &TP::step_lr_step_size, "epochs per StepLR step").range(1, kInf),
      Row("warmup_cosine_lr_cycles", K::Float, &TP::warmup_cosine_lr_cycles, "cosine cycles").range(0, 1),
      Row("warmup_cosine_lr_warmup_epochs", K::Int, &TP::warmup_cosine_lr_warmup_epochs, "linear warmup epochs")
          .range(0, kInf),
      Row("optimizer", K::Enum, &TP::optimizer, "optimizer (R4.6)").choices({"sgd", "adam", "adamw"}),
      Row("momentum", K::Float, &TP::momentum, "SGD momentum").range(0, 1),
      Row("weight_decay", K::Float, &TP::weight_decay, "weight decay, all optimizers").range(0, 1),
      Row("nesterov", K::Bool, &TP::nesterov, "SGD Nesterov momentum"),
      Row("beta1", K::Float, &TP::beta1, "Adam/AdamW beta1").range(0, 1),
      Row("beta2", K::Float, &TP::beta2, "Adam/AdamW beta2").range(0, 1),
      Row("ams_gradient", K::Bool, &TP::ams_gradient, "Adam/AdamW AMSGrad").runtime("amsgrad"),
      Row("gradient_accumulation_step", K::Int, &TP::gradient_accumulation_step, "batches per optimizer step")
          .runtime("grad_accumulation_step").range(1, kInf),
      Row("early_stopping", K::Bool, &TP::early_stopping, "stop when the metric stops improving (R4.12)"),
      Row("early_stopping_patience", K::Int, &TP::early_stopping_patience, "evaluations without progress")
          .range(1, kInf),
      Row("early_stopping_delay", K::Int, &TP::early_stopping_delay, "epochs before patience counts")
          .range(1, kInf),
      Row("evaluation_frequency", K::Int, &TP::evaluation_frequency, "validate every N epochs (R4.11)")
          .range(1, kInf),
      Row("checkpoint_frequency", K::Int, &TP::checkpoint_frequency, "extra checkpoint every N epochs")
          .range(1, kInf),
      Row("checkpoint_run_id", K::Text, &TP::checkpoint_run_id, "run whose model starts training (§8.1)"),
      Row("checkpoint_filename", K::Text, &TP::checkpoint_filename, "weight file that starts training (R8.1)"),
      Row("pretrained_weights", K::Text, &TP::pretrained_weights, "auto, coco, imagenet, none or a weight file").extra()
          .runtime(""),
      Row("layers_to_freeze", K::Int, &TP::layers_to_freeze, "backbone layers to freeze (R4.14)").range(1, kInf),
      Row("distributed", K::Bool, &TP::distributed, "train on all GPUs of the machine"),
      Row("number_of_workers", K::Int, &TP::number_of_workers, "data-loader threads").range(0, kInf),
      Row("random_seed", K::Int, &TP::random_seed, "seed for splits, augmentation and init").range(0, kInf),
      Row("enable_onnx_normalization", K::Bool, &TP::enable_onnx_normalization, "normalise inside ONNX export"),
      Row("log_training_metrics", K::Switch, &TP::log_training_metrics, "also compute metrics on training data"),
      Row("log_validation_loss", K::Switch, &TP::log_validation_loss, "log the validation loss"),
      Row("advanced_settings", K::Json, &TP::advanced_settings, "JSON string of switches (§4.6)"),
      // §4.3 / §4.4
      Row("validation_metric_type", K::Enum, &TP::validation_metric_type, "metric computation (§6.2)")
          .choices({"none", "coco", "voc", "coco_voc"}),
      Row("best_epoch_metric", K::Enum, &TP::best_epoch_metric, "primary or coco_ap: picks each trial's best epoch")
          .choices({"primary", "coco_ap"}).extra().runtime(""),
      Row("validation_iou_threshold", K::Float, &TP::validation_iou_threshold, "IoU of a true positive")
          .range(0.1, 1),
      Row("min_size", K::Int, &TP::min_size, "shorter side after resize").rcnn().range(1, kInf).inference(),
      Row("max_size", K::Int, &TP::max_size, "longer side cap after resize").rcnn().range(1, kInf).inference(),
      Row("box_score_threshold", K::Float, &TP::box_score_threshold, "minimum detection score")
          .runtime("box_score_thresh").inference().range(0, 1),
      Row("nms_iou_threshold", K::Float, &TP::nms_iou_threshold, "NMS IoU")
          .runtime("nms_iou_thresh").inference().range(0, 1),
      Row("box_detections_per_image", K::Int, &TP::box_detections_per_image, "detections kept per image")
          .runtime("box_detections_per_img").inference().rcnn().range(1, kInf),
      Row("tile_grid_size", K::Grid, &TP::tile_grid_size, "tiles across x down (§8.2)").inference(),
      Row("tile_overlap_ratio", K::Float, &TP::tile_overlap_ratio, "overlap of neighbouring tiles")
          .inference().range(0, 1, true),
      Row("tile_predictions_nms_threshold", K::Float, &TP::tile_predictions_nms_threshold, "IoU merging tiles")
          .runtime("tile_predictions_nms_thresh").inference().range(0, 1),
      Row("image_size", K::Int, &TP::image_size, "square train/val size, multiple of 32")
          .runtime("img_size").inference().single_stage().range(32, 8192),
      Row("model_size", K::Enum, &TP::model_size, "YOLOv5 width/depth").inference().yolo()
          .choices({"nano", "small", "medium", "large", "extra_large"})
          .alias("xlarge", "extra_large").alias("n", "nano").alias("s", "small").alias("m", "medium")
          .alias("l", "large").alias("x", "extra_large"),
      Row("multi_scale", K::Bool, &TP::multi_scale, "vary image size +-50% (R4.15)").yolo(),
      // autodet extensions
      Row("precision", K::Enum, &TP::precision, "arithmetic: bf16 autocast on capable GPUs").extra()
          .runtime("").choices({"auto", "fp32", "bf16"}).alias("float32", "fp32").alias("bfloat16", "bf16"),
      Row("device", K::Device, &TP::device, "where to train").extra().runtime(""),
      Row("test_time_augmentation", K::Enum, &TP::test_time_augmentation,
          "mirrored and rescaled inference passes fused with the plain one; auto: chosen on validation")
          .extra().runtime("").choices({"none", "flip", "multi_scale_flip", "auto"}),
  };
}

std::string bound(double v) { return std::isinf(v) ? (v > 0 ? "inf" : "-inf") : number_text(v); }

}  // namespace

std::string ParamInfo::allowed() const {
  switch (kind) {
    case ParamKind::Int:
      if (std::isinf(max)) return "an integer >= " + bound(min);
      return "an integer from " + bound(min) + " to " + bound(max);
    case ParamKind::Float:
      return std::string("a number in ") + (min_open ? "(" : "[") + bound(min) + ", " + bound(max) +
             (max_open ? ")" : "]");
    case ParamKind::Bool: return "true or false (also yes/no, on/off, 1/0, y/n, t/f)";
    case ParamKind::Enum: {
      std::string s = "one of: ";
      for (std::size_t i = 0; i < choices.size(); ++i) s += (i ? ", " : "") + choices[i];
      return s;
    }
    case ParamKind::Switch: return "enable or disable";
    case ParamKind::Text: return "a non-empty text";
    case ParamKind::Grid: return "'WxH' with two positive integers, not 1x1 (e.g. '3x2' or '(3, 2)')";
    case ParamKind::Device: return "auto, cpu, cuda or cuda:N";
    case ParamKind::Json: return "a JSON object as a string, e.g. '{\"apply_mosaic_for_yolo\": false}'";
  }
  return "";
}

const std::vector<ParamInfo>& param_table() {
  static const std::vector<ParamInfo> table = build_table();
  return table;
}

const ParamInfo* find_param(const std::string& name) {
  for (const auto& p : param_table())
    if (p.name == name) return &p;
  return nullptr;
}

const std::vector<std::string>& param_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (const auto& p : param_table()) n.push_back(p.name);
    return n;
  }();
  return names;
}

std::string suggest_param(const std::string& unknown) {
  static const std::map<std::string, std::string> other_names = [] {
    std::map<std::string, std::string> m = {
        {"lr", "learning_rate"},          {"epochs", "number_of_epochs"},    {"batch_size", "training_batch_size"},
        {"batch", "training_batch_size"}, {"imgsz", "image_size"},           {"seed", "random_seed"},
        {"workers", "number_of_workers"}, {"num_workers", "number_of_workers"}, {"model", "model_name"},
        {"scheduler", "learning_rate_scheduler"}, {"box_nms_thresh", "nms_iou_threshold"},
        {"box_iou_thresh", "nms_iou_threshold"},   {"split_ratio", "validation_data_size"},
        {"validation_size", "validation_data_size"}};
    for (const auto& p : param_table()) {
      if (!p.runtime_name.empty() && p.runtime_name != p.name) m[p.runtime_name] = p.name;
      if (!p.inference_key.empty() && p.inference_key != p.name) m[p.inference_key] = p.name;
    }
    return m;
  }();
  const std::string w = lower_word(unknown);
  if (auto it = other_names.find(w); it != other_names.end()) return " (did you mean `" + it->second + "`?)";
  return did_you_mean(unknown, param_names());
}

nlohmann::json param_value_json(const TrainingParams& params, const ParamInfo& info) {
  return std::visit(
      [&](auto member) -> nlohmann::json {
        const auto& v = params.*member;
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, bool>) {
          if (info.kind == ParamKind::Switch) return v ? "enable" : "disable";
          return v;
        } else if constexpr (std::is_same_v<V, std::optional<TileGrid>>) {
          return v ? nlohmann::json(v->str()) : nlohmann::json();
        } else if constexpr (std::is_same_v<V, std::optional<int>> || std::is_same_v<V, std::optional<std::string>>) {
          return v ? nlohmann::json(*v) : nlohmann::json();
        } else if constexpr (std::is_same_v<V, AdvancedSettings>) {
          return advanced_settings_to_json(v);
        } else {
          return v;
        }
      },
      info.field);
}

void copy_param(TrainingParams& to, const TrainingParams& from, const ParamInfo& info) {
  std::visit([&](auto member) { to.*member = from.*member; }, info.field);
}

bool param_applies(const ParamInfo& info, ModelFamily family) {
  switch (info.scope) {
    case ParamScope::Any: return true;
    case ParamScope::RcnnOnly: return is_rcnn_like(family);
    case ParamScope::YoloOnly: return family == ModelFamily::Yolo;
    case ParamScope::SingleStage: return is_single_stage(family);
  }
  return true;
}

}  // namespace autodet
