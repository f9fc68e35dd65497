#include "models/retinanet/retinanet_detector.h"

#include <torch/torch.h>

#include "core/error.h"
#include "models/necks/fpn.h"

namespace autodet::models {

RetinaNetDetector::RetinaNetDetector(const RetinaNetConfig& c) : cfg_(c) {
  torch::manual_seed(c.init_seed);
  RcnnTransform t;
  t.min_size = c.min_size;
  t.max_size = c.max_size;
  net_ = RetinaNet(c.depth, c.num_classes + 1, t, c.trainable_bn);
}

RetinaNetSettings RetinaNetDetector::settings(const DetectOptions& o) const {
  RetinaNetSettings s;
  s.score_thresh = o.score_threshold;
  s.nms_thresh = o.iou_threshold;
  s.detections_per_image = o.max_detections;
  s.topk_candidates = cfg_.topk_candidates;
  return s;
}

LossResult RetinaNetDetector::total(const RetinaNetForward& f) const {
  auto sum = f.loss_classification + f.loss_box_regression;
  auto parts = torch::stack({f.loss_classification, f.loss_box_regression}).detach().to(torch::kFloat);
  return LossResult{sum, parts};
}

LossResult RetinaNetDetector::losses(const torch::Tensor& images, const torch::Tensor& targets) {
  std::vector<torch::Tensor> boxes, labels;
  torchvision_targets(targets, images.size(0), images.size(3), images.size(2), boxes, labels);
  return total(net_->forward(images, &boxes, &labels, false, RetinaNetSettings{}));
}

DetectResult RetinaNetDetector::detect(const torch::Tensor& images, const DetectOptions& o, const torch::Tensor* targets) {
  DetectResult out;
  RetinaNetForward f;
  if (targets) {
    std::vector<torch::Tensor> boxes, labels;
    torchvision_targets(*targets, images.size(0), images.size(3), images.size(2), boxes, labels);
    f = net_->forward(images, &boxes, &labels, true, settings(o));
    out.losses = total(f);
  } else {
    f = net_->forward(images, nullptr, nullptr, true, settings(o));
  }
  for (auto& d : f.detections) {
    // Network label l >= 1 is the data's class l - 1; the background column (label 0) is no class.
    auto keep = torch::nonzero(d.select(1, 5) >= 1).squeeze(1);
    auto kept = d.index_select(0, keep);
    out.boxes.push_back(torch::cat({kept.slice(1, 0, 5), (kept.select(1, 5) - 1).unsqueeze(1)}, 1).to(torch::kFloat));
  }
  return out;
}

Preprocess RetinaNetDetector::preprocess() const {
  Preprocess p;
  p.resize = cfg_.native_input ? Preprocess::Resize::native : Preprocess::Resize::letterbox;
  p.image_size = cfg_.image_size;
  p.size_multiple = 32;
  p.mosaic = false;
  return p;  // ImageNet normalisation happens inside, in torchvision's transform
}

nlohmann::json RetinaNetDetector::architecture() const {
  return nlohmann::json{{"model_name", family()},
                        {"num_classes", cfg_.num_classes},
                        {"image_size", cfg_.image_size},
                        {"min_size", cfg_.min_size},
                        {"max_size", cfg_.max_size},
                        {"backbone", "resnet" + std::to_string(cfg_.depth)},
                        {"batch_norm", cfg_.trainable_bn ? "trainable" : "frozen"},
                        {"topk_candidates", cfg_.topk_candidates},
                        {"labels_offset", 1},
                        {"preprocess", preprocess().to_json()}};
}

std::vector<std::string> RetinaNetDetector::freeze_groups() const { return resnet_freeze_groups("backbone.body."); }

std::vector<std::string> RetinaNetDetector::class_layers() const { return {"head.classification_head.cls_logits."}; }

std::string RetinaNetDetector::tensor_name(const std::string& n) const {
  return fpn_tensor_name(retinanet_head_tensor_name(n));
}

std::vector<GraphOutput> RetinaNetDetector::export_graph(GraphBuilder&, const std::string&) {
  throw NotSupportedError("ONNX export of " + family() + " is not available yet");
}

std::vector<torch::Tensor> RetinaNetDetector::export_reference(const torch::Tensor&) {
  throw NotSupportedError("ONNX export of " + family() + " is not available yet");
}

std::vector<torch::Tensor> RetinaNetDetector::detections_from_outputs(const std::vector<torch::Tensor>&, int, int,
                                                                      const DetectOptions&) {
  throw NotSupportedError("ONNX export of " + family() + " is not available yet");
}

}  // namespace autodet::models
