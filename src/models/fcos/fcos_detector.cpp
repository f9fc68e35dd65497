#include "models/fcos/fcos_detector.h"

#include <torch/torch.h>

#include "models/necks/fpn.h"

namespace autodet::models {

FcosDetector::FcosDetector(const FcosConfig& c) : TorchvisionDetector(c, "fcos"), cfg_(c) {
  torch::manual_seed(c.init_seed);
  RcnnTransform t;
  t.min_size = c.min_size;
  t.max_size = c.max_size;
  net_ = Fcos(c.depth, c.num_classes + 1, t, c.trainable_bn);
}

FcosSettings FcosDetector::settings(const DetectOptions& o) const {
  FcosSettings s;
  s.score_thresh = o.score_threshold;
  s.nms_thresh = o.iou_threshold;
  s.detections_per_image = o.max_detections;
  s.topk_candidates = cfg_.topk_candidates;
  s.center_sampling_radius = cfg_.center_sampling_radius;
  return s;
}

TorchvisionPass FcosDetector::run(const torch::Tensor& images, const std::vector<torch::Tensor>* boxes,
                                  const std::vector<torch::Tensor>* labels, const DetectOptions* o) {
  auto f = net_->forward(images, boxes, labels, o != nullptr, settings(o ? *o : DetectOptions{}));
  TorchvisionPass pass{std::move(f.detections), {}};
  if (boxes) pass.losses = {f.loss_classification, f.loss_box_regression, f.loss_centerness};
  return pass;
}

nlohmann::json FcosDetector::architecture() const {
  auto a = TorchvisionDetector::architecture();
  a["topk_candidates"] = cfg_.topk_candidates;
  a["center_sampling_radius"] = cfg_.center_sampling_radius;
  return a;
}

std::vector<std::string> FcosDetector::class_layers() const { return {"head.classification_head.cls_logits."}; }

std::string FcosDetector::tensor_name(const std::string& n) const { return fpn_tensor_name(n); }

}  // namespace autodet::models
