#include "models/fastestdet/fastestdet_detector.h"

#include <torch/torch.h>

#include "models/fastestdet/fastestdet_export.h"
#include "models/ops/nms.h"

namespace autodet::models {

std::vector<torch::Tensor> fastestdet_decode(const torch::Tensor& logits, int input_w, int input_h,
                                             const DetectOptions& o) {
  return fastestdet_decode_activations(fastestdet_activations(logits.to(torch::kFloat)), input_w, input_h, o);
}

std::vector<torch::Tensor> fastestdet_decode_activations(const torch::Tensor& activations, int input_w, int input_h,
                                                         const DetectOptions& o) {
  const auto B = activations.size(0), H = activations.size(2), W = activations.size(3);
  const auto nc = activations.size(1) - 5;
  auto pred = activations.to(torch::kFloat).permute({0, 2, 3, 1}).reshape({B, H * W, 5 + nc});
  const auto fopts = pred.options();
  auto gy = torch::arange(H, fopts).view({H, 1}).expand({H, W}).reshape({H * W});
  auto gx = torch::arange(W, fopts).view({1, W}).expand({H, W}).reshape({H * W});
  const double sx = double(input_w) / double(W), sy = double(input_h) / double(H);
  std::vector<torch::Tensor> out;
  out.reserve(std::size_t(B));
  for (std::int64_t b = 0; b < B; ++b) {
    auto p = pred[b];
    auto obj = p.select(1, 0);
    torch::Tensor score, label;
    if (nc > 1) {
      auto [cls_score, cls_index] = p.slice(1, 5, 5 + nc).max(1);
      score = obj.pow(0.6) * cls_score.pow(0.4);
      label = cls_index;
    } else {
      score = obj;
      label = torch::zeros({H * W}, fopts.dtype(torch::kLong));
    }
    auto keep = (score > o.score_threshold).nonzero().squeeze(1);
    auto q = p.index_select(0, keep);
    auto cx = (q.select(1, 1).tanh() + gx.index_select(0, keep)) * sx;
    auto cy = (q.select(1, 2).tanh() + gy.index_select(0, keep)) * sy;
    auto w = q.select(1, 3).sigmoid() * double(input_w);
    auto h = q.select(1, 4).sigmoid() * double(input_h);
    auto boxes = torch::stack({cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2}, 1);
    auto s = score.index_select(0, keep);
    auto l = label.index_select(0, keep);
    auto kept = per_class_nms(boxes, s, l, o.iou_threshold);
    if (kept.size(0) > o.max_detections) kept = kept.slice(0, 0, o.max_detections);
    out.push_back(torch::cat({boxes.index_select(0, kept), s.index_select(0, kept).unsqueeze(1),
                              l.index_select(0, kept).to(torch::kFloat).unsqueeze(1)},
                             1));
  }
  return out;
}

FastestDetDetector::FastestDetDetector(int num_classes, int image_size, std::uint64_t init_seed)
    : image_size_(image_size) {
  torch::manual_seed(init_seed);
  net_ = FastestDetNet(num_classes);
}

LossResult FastestDetDetector::losses(const torch::Tensor& images, const torch::Tensor& targets) {
  auto r = fastestdet_loss(net_->forward(images), targets);
  return LossResult{r.total, r.parts};
}

DetectResult FastestDetDetector::detect(const torch::Tensor& images, const DetectOptions& o, const torch::Tensor* targets) {
  auto logits = net_->forward(images);
  DetectResult out;
  if (targets) {
    auto r = fastestdet_loss(logits, *targets);
    out.losses = LossResult{r.total, r.parts};
  }
  out.boxes = fastestdet_decode(logits, int(images.size(3)), int(images.size(2)), o);
  return out;
}

std::vector<GraphOutput> FastestDetDetector::export_graph(GraphBuilder& graph, const std::string& input) {
  return export_fastestdet(*net_, graph, input, image_size_);
}

GraphCandidates FastestDetDetector::export_candidates(GraphBuilder& graph, const std::vector<GraphOutput>& outputs) {
  return export_fastestdet_candidates(graph, outputs.at(0), num_classes(), image_size_);
}

std::vector<torch::Tensor> FastestDetDetector::export_reference(const torch::Tensor& images) {
  return {fastestdet_activations(net_->forward(images).to(torch::kFloat)).contiguous()};
}

std::vector<torch::Tensor> FastestDetDetector::detections_from_outputs(const std::vector<torch::Tensor>& outputs,
                                                                       int input_w, int input_h, const DetectOptions& o) {
  return fastestdet_decode_activations(outputs.at(0), input_w, input_h, o);
}

Preprocess FastestDetDetector::preprocess() const {
  Preprocess p;
  p.resize = Preprocess::Resize::stretch;
  p.image_size = image_size_;
  p.size_multiple = 32;
  p.mosaic = false;
  p.channel_order = "bgr";
  return p;
}

nlohmann::json FastestDetDetector::architecture() const {
  return nlohmann::json{{"model_name", "fastestdet"},
                        {"num_classes", num_classes()},
                        {"image_size", image_size_},
                        {"backbone", "shufflenetv2_0.5x"},
                        {"stage_widths", net_->backbone->widths()},
                        {"preprocess", preprocess().to_json()}};
}

std::vector<std::string> FastestDetDetector::freeze_groups() const {
  return {"backbone.first_conv.", "backbone.stage2.", "backbone.stage3.", "backbone.stage4."};
}

std::vector<std::string> FastestDetDetector::class_layers() const {
  return {"detect_head.cls_layers.conv5x5.3.", "detect_head.cls_layers.conv5x5.4."};
}

}  // namespace autodet::models
