#pragma once
// Faster R-CNN ResNet-{18,34,50,101,152}-FPN behind the detector contract. The loader's square
// letterboxed input (image_size) goes through torchvision's own transform (resize to min_size /
// max_size, ImageNet normalisation, padding to 32) inside the detector, so a torchvision
// checkpoint sees what it saw in torchvision. Class c of the data is label c + 1 of the network
// (label 0 is the background, Azure's "--bg--").
#include <cstdint>
#include <string>
#include <vector>

#include "models/detector.h"
#include "models/rcnn/faster_rcnn.h"

namespace autodet::models {

struct FasterRcnnConfig {
  int depth = 50;
  int num_classes = 1;  // without the background
  int image_size = 600;
  int min_size = 600, max_size = 1333;
  std::uint64_t init_seed = 0;
  // Inference on each image at its own size (a torchvision checkpoint packaged as it is), not
  // on the letterbox it was trained on.
  bool native_input = false;
  // BatchNorm that trains, for a backbone started from random weights (torchvision's choice
  // when no weights are given); frozen otherwise.
  bool trainable_bn = false;
};

class FasterRcnnDetector : public Detector {
 public:
  explicit FasterRcnnDetector(const FasterRcnnConfig& config);

  torch::nn::Module& module() override { return *net_; }
  std::string family() const override { return "fasterrcnn_resnet" + std::to_string(cfg_.depth) + "_fpn"; }
  int num_classes() const override { return cfg_.num_classes; }

  // torchvision's loss names.
  std::vector<std::string> loss_names() const override {
    return {"loss_classifier", "loss_box_reg", "loss_objectness", "loss_rpn_box_reg"};
  }
  LossResult losses(const torch::Tensor& images, const torch::Tensor& targets) override;
  DetectResult detect(const torch::Tensor& images, const DetectOptions& options, const torch::Tensor* targets) override;

  Preprocess preprocess() const override;
  nlohmann::json architecture() const override;
  // backbone.body.conv1., layer1. ... layer4. (R4.14).
  std::vector<std::string> freeze_groups() const override;
  std::vector<std::string> class_layers() const override;
  // torchvision < 0.13 names: rpn.head.conv.{weight,bias} and backbone.fpn.*_blocks.i.{weight,bias}.
  std::string tensor_name(const std::string& stored_name) const override;

  std::vector<GraphOutput> export_graph(GraphBuilder& graph, const std::string& input) override;
  std::vector<torch::Tensor> export_reference(const torch::Tensor& images) override;
  std::vector<torch::Tensor> detections_from_outputs(const std::vector<torch::Tensor>& outputs, int input_w, int input_h,
                                                     const DetectOptions& options) override;

  FasterRcnn& network() { return net_; }

  // Contract targets (N, 6) [image, class, cx, cy, w, h] normalised -> per image xyxy boxes in
  // input pixels and labels class + 1; boxes without area are dropped (torchvision refuses them).
  static void split_targets(const torch::Tensor& targets, std::int64_t batch, std::int64_t in_w, std::int64_t in_h,
                            std::vector<torch::Tensor>& boxes, std::vector<torch::Tensor>& labels);

 private:
  LossResult total(const RcnnForward& f) const;

  FasterRcnnConfig cfg_;
  FasterRcnn net_{nullptr};
};

}  // namespace autodet::models
