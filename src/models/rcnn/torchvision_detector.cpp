#include "models/rcnn/torchvision_detector.h"

#include <torch/torch.h>

#include "core/error.h"
#include "models/backbones/resnet.h"
#include "models/rcnn/rcnn_transform.h"
#include "models/rcnn/torchvision_weights.h"

namespace autodet::models {

TorchvisionDetectorConfig torchvision_config(const DetectorConfig& c, int depth, const std::string& family) {
  TorchvisionDetectorConfig t;
  const auto& a = c.architecture;
  t.depth = depth;
  t.num_classes = c.num_classes;
  t.init_seed = c.init_seed;
  t.min_size = a.value("min_size", c.min_size > 0 ? c.min_size : 600);
  t.max_size = a.value("max_size", c.max_size > 0 ? c.max_size : 1333);
  t.image_size = a.value("image_size", c.image_size > 0 ? c.image_size : (t.min_size + 31) / 32 * 32);
  if (t.image_size % 32 != 0)
    throw UsageError(Location{"", 0, "", "min_size"},
                     "the " + family + " input size must be a multiple of 32, not " + std::to_string(t.image_size));
  if (a.contains("preprocess")) t.native_input = a["preprocess"].value("resize", "") == "native";
  t.trainable_bn = a.value("batch_norm", c.pretrained ? "frozen" : "trainable") == "trainable";
  return t;
}

double dense_resnet50_fpn_macs(int image_size, double outputs_per_location) {
  const double s = double(image_size), area = s * s / (224.0 * 224.0), c3 = 512;
  double fpn = 0, heads = 0;
  for (int l = 0; l < 5; ++l) {
    const double side = s / (8 << l), px = side * side;
    fpn += px * ((l < 3 ? c3 * (1 << l) * 256 : 0) + 256 * 256 * 9);
    heads += px * (8 * 256 * 256 * 9 + 256 * 9 * outputs_per_location);
  }
  return 4.09e9 * area + fpn + heads;
}

TorchvisionDetector::TorchvisionDetector(const TorchvisionDetectorConfig& c, std::string prefix)
    : base_(c), prefix_(std::move(prefix)) {}

Preprocess TorchvisionDetector::preprocess() const {
  Preprocess p;
  p.resize = base_.native_input ? Preprocess::Resize::native : Preprocess::Resize::letterbox;
  p.image_size = base_.image_size;
  p.size_multiple = 32;
  p.mosaic = false;
  return p;  // the ImageNet normalisation is torchvision's transform's, inside the network
}

nlohmann::json TorchvisionDetector::architecture() const {
  return nlohmann::json{{"model_name", family()},
                        {"num_classes", base_.num_classes},
                        {"image_size", base_.image_size},
                        {"min_size", base_.min_size},
                        {"max_size", base_.max_size},
                        {"backbone", "resnet" + std::to_string(base_.depth)},
                        {"batch_norm", base_.trainable_bn ? "trainable" : "frozen"},
                        {"labels_offset", 1},
                        {"preprocess", preprocess().to_json()}};
}

std::vector<std::string> TorchvisionDetector::freeze_groups() const { return resnet_freeze_groups("backbone.body."); }

namespace {

// Named losses -> the contract's sum and parts, in that order.
LossResult sum_losses(const std::vector<torch::Tensor>& parts) {
  auto sum = parts.front();
  for (std::size_t i = 1; i < parts.size(); ++i) sum = sum + parts[i];
  return LossResult{sum, torch::stack(parts).detach().to(torch::kFloat)};
}

}  // namespace

FamilySpec torchvision_family_spec(const std::string& name, int depth, const std::string& coco_file) {
  FamilySpec f;
  f.name = name;
  f.preprocess.resize = Preprocess::Resize::letterbox;
  f.preprocess.image_size = 608;
  f.preprocess.size_multiple = 32;
  f.preprocess.mosaic = false;
  f.hyperparameters = {"min_size", "max_size", "box_score_threshold", "nms_iou_threshold", "box_detections_per_image",
                       "layers_to_freeze", "tile_grid_size", "tile_overlap_ratio", "tile_predictions_nms_threshold"};
  f.training_defaults = {{"optimizer", "sgd"}, {"learning_rate", 0.005}, {"number_of_epochs", 15},
                         {"training_batch_size", 2}};
  if (!coco_file.empty()) f.weights.push_back(torchvision_coco_detector(coco_file));
  f.weights.push_back(torchvision_imagenet_resnet(depth));
  // Not yet measured against YOLOv5's MAC time; dense 3x3/1x1 convolutions run near it.
  f.mac_time_factor = 1.0;
  return f;
}

LossResult TorchvisionDetector::losses(const torch::Tensor& images, const torch::Tensor& targets) {
  std::vector<torch::Tensor> boxes, labels;
  torchvision_targets(targets, images.size(0), images.size(3), images.size(2), boxes, labels);
  return sum_losses(run(images, &boxes, &labels, nullptr).losses);
}

DetectResult TorchvisionDetector::detect(const torch::Tensor& images, const DetectOptions& o, const torch::Tensor* targets) {
  DetectResult out;
  TorchvisionPass pass;
  if (targets) {
    std::vector<torch::Tensor> boxes, labels;
    torchvision_targets(*targets, images.size(0), images.size(3), images.size(2), boxes, labels);
    pass = run(images, &boxes, &labels, &o);
    out.losses = sum_losses(pass.losses);
  } else {
    pass = run(images, nullptr, nullptr, &o);
  }
  for (const auto& d : pass.detections) {
    // Network label l >= 1 is the data's class l - 1; the background column (label 0) is no class.
    auto kept = d.index_select(0, torch::nonzero(d.select(1, 5) >= 1).squeeze(1));
    out.boxes.push_back(torch::cat({kept.slice(1, 0, 5), (kept.select(1, 5) - 1).unsqueeze(1)}, 1).to(torch::kFloat));
  }
  return out;
}

std::vector<GraphOutput> TorchvisionDetector::export_graph(GraphBuilder&, const std::string&) {
  throw NotSupportedError("ONNX export of " + family() + " is not available yet");
}

std::vector<torch::Tensor> TorchvisionDetector::export_reference(const torch::Tensor&) {
  throw NotSupportedError("ONNX export of " + family() + " is not available yet");
}

std::vector<torch::Tensor> TorchvisionDetector::detections_from_outputs(const std::vector<torch::Tensor>&, int, int,
                                                                        const DetectOptions&) {
  throw NotSupportedError("ONNX export of " + family() + " is not available yet");
}

}  // namespace autodet::models
