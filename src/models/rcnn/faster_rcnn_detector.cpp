#include "models/rcnn/faster_rcnn_detector.h"

#include <torch/torch.h>

#include <optional>

#include <ATen/CPUGeneratorImpl.h>

#include "core/error.h"

namespace autodet::models {

FasterRcnnDetector::FasterRcnnDetector(const FasterRcnnConfig& c) : cfg_(c) {
  torch::manual_seed(c.init_seed);
  RcnnTransform t;
  t.min_size = c.min_size;
  t.max_size = c.max_size;
  net_ = FasterRcnn(c.depth, c.num_classes + 1, t, c.trainable_bn);
  // Training draws its RPN and box samples from a generator of its own, seeded like the weights.
  auto gen = at::detail::createCPUGenerator(c.init_seed + 1);
  net_->sampler_generator = gen;
}

void FasterRcnnDetector::split_targets(const torch::Tensor& targets, std::int64_t batch, std::int64_t in_w,
                                       std::int64_t in_h, std::vector<torch::Tensor>& boxes,
                                       std::vector<torch::Tensor>& labels) {
  torchvision_targets(targets, batch, in_w, in_h, boxes, labels);
}

LossResult FasterRcnnDetector::total(const RcnnForward& f) const {
  auto sum = f.loss_classifier + f.loss_box_reg + f.loss_objectness + f.loss_rpn_box_reg;
  auto parts = torch::stack({f.loss_classifier, f.loss_box_reg, f.loss_objectness, f.loss_rpn_box_reg}).detach().to(torch::kFloat);
  return LossResult{sum, parts};
}

LossResult FasterRcnnDetector::losses(const torch::Tensor& images, const torch::Tensor& targets) {
  std::vector<torch::Tensor> boxes, labels;
  split_targets(targets, images.size(0), images.size(3), images.size(2), boxes, labels);
  auto f = net_->forward(images, &boxes, &labels, false, RcnnDetectSettings{});
  return total(f);
}

DetectResult FasterRcnnDetector::detect(const torch::Tensor& images, const DetectOptions& o, const torch::Tensor* targets) {
  RcnnDetectSettings s{o.score_threshold, o.iou_threshold, o.max_detections};
  DetectResult out;
  RcnnForward f;
  if (targets) {
    std::vector<torch::Tensor> boxes, labels;
    split_targets(*targets, images.size(0), images.size(3), images.size(2), boxes, labels);
    f = net_->forward(images, &boxes, &labels, true, s);
    out.losses = total(f);
  } else {
    f = net_->forward(images, nullptr, nullptr, true, s);
  }
  for (auto& d : f.detections) {
    // Network label l >= 1 is the data's class l - 1.
    auto cls = d.select(1, 5) - 1;
    out.boxes.push_back(torch::cat({d.slice(1, 0, 5), cls.unsqueeze(1)}, 1).to(torch::kFloat));
  }
  return out;
}

Preprocess FasterRcnnDetector::preprocess() const {
  Preprocess p;
  p.resize = cfg_.native_input ? Preprocess::Resize::native : Preprocess::Resize::letterbox;
  p.image_size = cfg_.image_size;
  p.size_multiple = 32;
  p.mosaic = false;
  // The ImageNet normalisation is torchvision's transform's, applied inside the network.
  return p;
}

nlohmann::json FasterRcnnDetector::architecture() const {
  return nlohmann::json{{"model_name", family()},
                        {"num_classes", cfg_.num_classes},
                        {"image_size", cfg_.image_size},
                        {"min_size", cfg_.min_size},
                        {"max_size", cfg_.max_size},
                        {"backbone", "resnet" + std::to_string(cfg_.depth)},
                        {"batch_norm", cfg_.trainable_bn ? "trainable" : "frozen"},
                        {"labels_offset", 1},
                        {"preprocess", preprocess().to_json()}};
}

std::vector<std::string> FasterRcnnDetector::freeze_groups() const { return resnet_freeze_groups("backbone.body."); }

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

std::vector<GraphOutput> FasterRcnnDetector::export_graph(GraphBuilder&, const std::string&) {
  throw NotSupportedError("ONNX export of " + family() + " is not available yet");
}

std::vector<torch::Tensor> FasterRcnnDetector::export_reference(const torch::Tensor&) {
  throw NotSupportedError("ONNX export of " + family() + " is not available yet");
}

std::vector<torch::Tensor> FasterRcnnDetector::detections_from_outputs(const std::vector<torch::Tensor>&, int, int,
                                                                       const DetectOptions&) {
  throw NotSupportedError("ONNX export of " + family() + " is not available yet");
}

}  // namespace autodet::models
