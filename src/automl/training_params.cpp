#include "automl/training_params.h"

#include <nlohmann/json.hpp>

#include "core/closest_name.h"
#include "automl/param_table.h"

namespace autodet {

const std::vector<std::string>& known_model_names() {
  static const std::vector<std::string> names = {
      "yolov5",                  "fastestdet",               "fasterrcnn_resnet18_fpn", "fasterrcnn_resnet34_fpn",
      "fasterrcnn_resnet50_fpn", "fasterrcnn_resnet101_fpn", "fasterrcnn_resnet152_fpn", "retinanet_resnet50_fpn",
      "fcos_resnet50_fpn"};
  return names;
}

ModelFamily model_family(const std::string& model_name) {
  if (model_name == "yolov5") return ModelFamily::Yolo;
  if (model_name == "fastestdet") return ModelFamily::FastestDet;
  if (model_name == "retinanet_resnet50_fpn") return ModelFamily::RetinaNet;
  if (model_name == "fcos_resnet50_fpn") return ModelFamily::Fcos;
  for (const auto& n : known_model_names())
    if (n == model_name) return ModelFamily::FasterRcnn;
  std::string all;
  for (const auto& n : known_model_names()) all += (all.empty() ? "" : ", ") + n;
  throw UsageError(Location{"", 0, "", "model_name"}, "unknown model '" + model_name + "'" +
                                                          did_you_mean(model_name, known_model_names()) +
                                                          "; expected one of: " + all);
}

TrainingParams default_params(const std::string& model_name) {
  TrainingParams p;  // member initialisers: the yolov5 defaults
  p.model_name = model_name;
  if (is_rcnn_like(model_family(model_name))) {  // S2 defaults of the R-CNN family (RetinaNet and FCOS share them)
    p.number_of_epochs = 15;
    p.training_batch_size = 2;
    p.validation_batch_size = 1;
    p.learning_rate = 0.005;
    p.box_score_threshold = 0.3;
    p.number_of_workers = 4;
    // FCOS's GroupNorm head diverges at 0.005 without warmup on two images a batch (its loss
    // rose from 2.7 to 12 in ten steps, FcosTraining); torchvision's recipe is 0.01 for 16.
    if (model_family(model_name) == ModelFamily::Fcos) p.learning_rate = 0.001;
  }
  if (model_family(model_name) == ModelFamily::FastestDet) {
    // Fine-tuning a COCO-pretrained network: its 352-pixel input, AdamW, and a budget of epochs
    // that a few hundred images finish in minutes on a CPU.
    p.image_size = 352;
    p.number_of_epochs = 60;
    p.training_batch_size = 16;
    p.validation_batch_size = 16;
    p.optimizer = "adamw";
    p.learning_rate = 0.002;
    p.weight_decay = 0.0005;
    p.warmup_cosine_lr_warmup_epochs = 1;
    p.early_stopping_patience = 10;
  }
  return p;
}

void resolve_defaults(TrainingParams& params) {
  const TrainingParams d = default_params(params.model_name);
  for (const auto& info : param_table())
    if (info.name != "model_name" && !params.explicitly_set.count(info.name)) copy_param(params, d, info);
}

nlohmann::json params_to_json(const TrainingParams& params) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& info : param_table()) j[info.name] = param_value_json(params, info);
  return j;
}

nlohmann::json inference_settings(const TrainingParams& params) {
  const ModelFamily family = params.family();
  nlohmann::json j = nlohmann::json::object();
  for (const auto& info : param_table())
    if (!info.inference_key.empty() && param_applies(info, family))
      j[info.inference_key] = param_value_json(params, info);
  return j;
}

}  // namespace autodet
