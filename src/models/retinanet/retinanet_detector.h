#pragma once
// RetinaNet ResNet-50-FPN behind the detector contract. Like Faster R-CNN, the loader's square
// letterbox (image_size) goes through torchvision's transform inside the network, and class c of
// the data is network label c + 1 (label 0, Azure's "--bg--", is a column that never trains).
#include <cstdint>
#include <string>
#include <vector>

#include "models/detector.h"
#include "models/retinanet/retinanet.h"

namespace autodet::models {

struct RetinaNetConfig {
  int depth = 50;
  int num_classes = 1;  // without the background
  int image_size = 608;
  int min_size = 600, max_size = 1333;
  std::uint64_t init_seed = 0;
  bool native_input = false;  // score each image at its own size (a packaged torchvision file)
  bool trainable_bn = false;  // BatchNorm that trains (from random weights)
  std::int64_t topk_candidates = 1000;
};

class RetinaNetDetector : public Detector {
 public:
  explicit RetinaNetDetector(const RetinaNetConfig& config);

  torch::nn::Module& module() override { return *net_; }
  std::string family() const override { return "retinanet_resnet" + std::to_string(cfg_.depth) + "_fpn"; }
  int num_classes() const override { return cfg_.num_classes; }

  // torchvision's loss names.
  std::vector<std::string> loss_names() const override { return {"classification", "bbox_regression"}; }
  LossResult losses(const torch::Tensor& images, const torch::Tensor& targets) override;
  DetectResult detect(const torch::Tensor& images, const DetectOptions& options, const torch::Tensor* targets) override;

  Preprocess preprocess() const override;
  nlohmann::json architecture() const override;
  std::vector<std::string> freeze_groups() const override;
  std::vector<std::string> class_layers() const override;
  // torchvision < 0.13 names: head.*.conv.{0,2,4,6}.* and backbone.fpn.*_blocks.i.*.
  std::string tensor_name(const std::string& stored_name) const override;

  std::vector<GraphOutput> export_graph(GraphBuilder& graph, const std::string& input) override;
  std::vector<torch::Tensor> export_reference(const torch::Tensor& images) override;
  std::vector<torch::Tensor> detections_from_outputs(const std::vector<torch::Tensor>& outputs, int input_w, int input_h,
                                                     const DetectOptions& options) override;

  RetinaNet& network() { return net_; }

 private:
  LossResult total(const RetinaNetForward& f) const;
  RetinaNetSettings settings(const DetectOptions& o) const;

  RetinaNetConfig cfg_;
  RetinaNet net_{nullptr};
};

}  // namespace autodet::models
