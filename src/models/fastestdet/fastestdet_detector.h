#pragma once
// FastestDet behind the detector contract: stretched square input (352 by default), one head at
// stride 16, its loss, and decoding with class-aware NMS. Score: obj^0.6 x class^0.4, as upstream
// ranks its boxes; with one class the softmax is always 1, so the score is the objectness alone.
#include <cstdint>
#include <string>
#include <vector>

#include "models/detector.h"
#include "models/fastestdet/fastestdet_loss.h"
#include "models/fastestdet/fastestdet_net.h"
#include "models/ops/memory_format.h"

namespace autodet::models {

// Decodes head logits (B, 5 + nc, H, W) into per-image (n, 6) [x0, y0, x1, y1, score, class] in
// pixels of an input of input_w x input_h, score > threshold, class-aware NMS, by decreasing score.
std::vector<torch::Tensor> fastestdet_decode(const torch::Tensor& logits, int input_w, int input_h,
                                             const DetectOptions& options);
// The same from the head's activations (fastestdet_activations, the exported output).
std::vector<torch::Tensor> fastestdet_decode_activations(const torch::Tensor& activations, int input_w, int input_h,
                                                         const DetectOptions& options);

class FastestDetDetector : public Detector {
 public:
  FastestDetDetector(int num_classes, int image_size, std::uint64_t init_seed);

  torch::nn::Module& module() override { return *net_; }
  std::string family() const override { return "fastestdet"; }
  int num_classes() const override { return int(net_->num_classes()); }

  std::vector<std::string> loss_names() const override { return {"iou_loss", "obj_loss", "cls_loss"}; }
  LossResult losses(const torch::Tensor& images, const torch::Tensor& targets) override;
  DetectResult detect(const torch::Tensor& images, const DetectOptions& options, const torch::Tensor* targets) override;

  Preprocess preprocess() const override;
  nlohmann::json architecture() const override;
  std::vector<std::string> freeze_groups() const override;
  std::vector<std::string> class_layers() const override;
  void use_channels_last() override { store_convs_channels_last(*net_); }
  // One output, "output" (B, 5 + C, H / 16, W / 16), as upstream exports FastestDet.
  std::vector<GraphOutput> export_graph(GraphBuilder& graph, const std::string& input) override;
  std::vector<torch::Tensor> export_reference(const torch::Tensor& images) override;
  GraphCandidates export_candidates(GraphBuilder& graph, const std::vector<GraphOutput>& outputs) override;
  std::vector<torch::Tensor> detections_from_outputs(const std::vector<torch::Tensor>& outputs, int input_w, int input_h,
                                                     const DetectOptions& options) override;

  FastestDetNet& network() { return net_; }

 private:
  FastestDetNet net_{nullptr};
  int image_size_;
};

}  // namespace autodet::models
