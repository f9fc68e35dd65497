#include "models/retinanet/retinanet_detector.h"

#include <torch/torch.h>

#include "models/necks/fpn.h"

namespace autodet::models {

RetinaNetDetector::RetinaNetDetector(const RetinaNetConfig& c) : TorchvisionDetector(c, "retinanet"), cfg_(c) {
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

TorchvisionPass RetinaNetDetector::run(const torch::Tensor& images, const std::vector<torch::Tensor>* boxes,
                                       const std::vector<torch::Tensor>* labels, const DetectOptions* o) {
  auto f = net_->forward(images, boxes, labels, o != nullptr, settings(o ? *o : DetectOptions{}));
  TorchvisionPass pass{std::move(f.detections), {}};
  if (boxes) pass.losses = {f.loss_classification, f.loss_box_regression};
  return pass;
}

nlohmann::json RetinaNetDetector::architecture() const {
  auto a = TorchvisionDetector::architecture();
  a["topk_candidates"] = cfg_.topk_candidates;
  return a;
}

std::vector<std::string> RetinaNetDetector::class_layers() const { return {"head.classification_head.cls_logits."}; }

std::string RetinaNetDetector::tensor_name(const std::string& n) const {
  return fpn_tensor_name(retinanet_head_tensor_name(n));
}

}  // namespace autodet::models
