#include "models/yolo/yolo_detector.h"

#include <torch/torch.h>

#include "core/rng.h"
#include "models/yolo/autoanchor.h"
#include "models/yolo/postprocess.h"
#include "models/yolo/yolov5_export.h"

namespace autodet::models {
namespace {

std::vector<torch::Tensor> as_float(std::vector<torch::Tensor> raw) {
  for (auto& r : raw) r = r.to(torch::kFloat);
  return raw;
}

}  // namespace

YoloDetector::YoloDetector(const YoloV5Config& config, std::string model_size, int image_size, std::uint64_t init_seed)
    : model_(config, init_seed), size_(std::move(model_size)), image_size_(image_size), loss_(model_, image_size) {}

// A Detect conv's output channels are, per anchor, x, y, w, h, objectness and one logit per class.
// The first five rows of each anchor keep the publisher's training: a COCO detector's objectness
// already fires on most objects, so fine-tuning starts from boxes instead of from nothing.
bool YoloDetector::keep_class_free_part(const std::string& /*name*/, const torch::Tensor& stored, torch::Tensor& own) const {
  const std::int64_t na = model_->num_anchors(), no = 5 + num_classes();
  if (stored.dim() != own.dim() || own.dim() < 1 || own.size(0) != na * no || stored.size(0) % na != 0) return false;
  if (stored.size(0) / na < 5 || stored.sizes().slice(1) != own.sizes().slice(1)) return false;
  const std::int64_t stored_no = stored.size(0) / na;
  torch::NoGradGuard no_grad;
  auto from = stored.to(own.dtype()).reshape({na, stored_no, -1});
  torch::Tensor target = own.contiguous();  // own itself unless it is laid out channels-last
  target.view({na, no, -1}).narrow(1, 0, 5).copy_(from.narrow(1, 0, 5));
  if (!target.is_same(own)) own.copy_(target);
  return true;
}

LossResult YoloDetector::losses(const torch::Tensor& images, const torch::Tensor& targets) {
  auto res = loss_(as_float(model_->forward(images)), targets);
  return LossResult{res.loss, res.parts};
}

namespace {
// The contract's options in YOLOv5's NMS (its other options at their defaults).
YoloNmsOptions nms_options(const DetectOptions& o) { return {o.score_threshold, o.iou_threshold, o.max_detections}; }
}  // namespace

DetectResult YoloDetector::detect(const torch::Tensor& images, const DetectOptions& o, const torch::Tensor* targets) {
  auto raw = as_float(model_->forward(images));
  DetectResult out;
  if (targets) {
    auto res = loss_(raw, *targets);
    out.losses = LossResult{res.loss, res.parts};
  }
  out.boxes = yolo_non_max_suppression(model_->decode(raw), nms_options(o));
  return out;
}

std::vector<GraphOutput> YoloDetector::export_graph(GraphBuilder& graph, const std::string& input) {
  return export_yolov5(*model_, graph, input, image_size_);
}

std::vector<torch::Tensor> YoloDetector::export_reference(const torch::Tensor& images) {
  return {model_->decode(as_float(model_->forward(images)))};
}

std::vector<torch::Tensor> YoloDetector::detections_from_outputs(const std::vector<torch::Tensor>& outputs, int, int,
                                                                 const DetectOptions& o) {
  return yolo_non_max_suppression(outputs.at(0), nms_options(o));
}

Preprocess YoloDetector::preprocess() const {
  Preprocess p;
  p.resize = Preprocess::Resize::letterbox;
  p.image_size = image_size_;
  p.size_multiple = 32;
  p.mosaic = true;
  return p;
}

nlohmann::json YoloDetector::architecture() const {
  return nlohmann::json{{"model_name", "yolov5"},       {"model_size", size_},
                        {"num_classes", num_classes()}, {"image_size", image_size_},
                        {"anchors", model_->anchors_pixels()}, {"preprocess", preprocess().to_json()}};
}

std::string YoloDetector::adapt_to_data(const std::vector<std::pair<float, float>>& box_sizes, std::uint64_t seed) {
  std::vector<BoxSize> wh;
  wh.reserve(box_sizes.size());
  for (const auto& [w, h] : box_sizes) wh.push_back({w, h});
  Rng rng(seed ^ 0xA5C4u);
  auto check = check_anchors(wh, model_->anchors_pixels(), rng);
  if (check.changed) model_->set_anchors(check.anchors);
  return check.report;
}

}  // namespace autodet::models
