#include "models/rcnn/faster_rcnn_detector.h"

#include <torch/torch.h>

#include <optional>

#include <ATen/CPUGeneratorImpl.h>

namespace autodet::models {

FasterRcnnDetector::FasterRcnnDetector(const FasterRcnnConfig& c) : TorchvisionDetector(c, "fasterrcnn") {
  torch::manual_seed(c.init_seed);
  RcnnTransform t;
  t.min_size = c.min_size;
  t.max_size = c.max_size;
  net_ = FasterRcnn(c.depth, c.num_classes + 1, t, c.trainable_bn);
  // Training draws its RPN and box samples from a generator of its own, seeded like the weights.
  auto gen = at::detail::createCPUGenerator(c.init_seed + 1);
  net_->sampler_generator = gen;
}

TorchvisionPass FasterRcnnDetector::run(const torch::Tensor& images, const std::vector<torch::Tensor>* boxes,
                                        const std::vector<torch::Tensor>* labels, const DetectOptions* o) {
  RcnnDetectSettings s;
  if (o) s = RcnnDetectSettings{o->score_threshold, o->iou_threshold, o->max_detections};
  auto f = net_->forward(images, boxes, labels, o != nullptr, s);
  TorchvisionPass pass{std::move(f.detections), {}};
  if (boxes) pass.losses = {f.loss_classifier, f.loss_box_reg, f.loss_objectness, f.loss_rpn_box_reg};
  return pass;
}

std::vector<std::string> FasterRcnnDetector::class_layers() const { return {"roi_heads.box_predictor."}; }

std::string FasterRcnnDetector::tensor_name(const std::string& n) const {
  auto replace = [&](const std::string& from, const std::string& to) -> std::optional<std::string> {
    if (n.rfind(from, 0) != 0) return std::nullopt;
    return to + n.substr(from.size());
  };
  if (auto r = replace("rpn.head.conv.weight", "rpn.head.conv.0.0.weight")) return *r;
  if (auto r = replace("rpn.head.conv.bias", "rpn.head.conv.0.0.bias")) return *r;
  return fpn_tensor_name(n);
}

}  // namespace autodet::models
