#pragma once
// What every torchvision detector (Faster R-CNN, RetinaNet, FCOS) does the same way behind the
// detector contract: the loader's square letterbox (image_size) goes through torchvision's own
// transform (resize to min_size / max_size, ImageNet normalisation, padding to 32) inside the
// network, so a torchvision checkpoint sees what it saw in torchvision; class c of the data is
// network label c + 1 (label 0 is the background, Azure's "--bg--", and is never reported); the
// ResNet body freezes in torchvision's groups; the package records the same settings.
#include <cstdint>
#include <string>
#include <vector>

#include "models/detector.h"
#include "models/family.h"

namespace autodet::models {

struct TorchvisionDetectorConfig {
  int depth = 50;
  int num_classes = 1;  // without the background
  int image_size = 608;
  int min_size = 600, max_size = 1333;
  std::uint64_t init_seed = 0;
  // Inference on each image at its own size (a torchvision checkpoint packaged as it is), not
  // on the letterbox it was trained on.
  bool native_input = false;
  // BatchNorm that trains, for a backbone started from random weights (torchvision's choice
  // when no weights are given); frozen otherwise.
  bool trainable_bn = false;
};

// The settings a DetectorConfig gives (its stored architecture first): min_size / max_size
// (600 / 1333), the loader's square input (min_size rounded up to 32; UsageError naming min_size
// otherwise), scoring at native size, and BatchNorm that trains when starting from random weights.
TorchvisionDetectorConfig torchvision_config(const DetectorConfig& config, int depth, const std::string& family);

// Multiply-accumulates of a ResNet-50 FPN P3-P7 dense detector (RetinaNet, FCOS) at a square
// input: the body (4.09 GMACs at 224 px, scaled by area), the FPN laterals on C3..C5 and their
// 3x3 outputs, P6 and P7, two towers of four 256->256 3x3 convs, and last 3x3 convs with
// `outputs_per_location` channels in all, on every level.
double dense_resnet50_fpn_macs(int image_size, double outputs_per_location);

// The registry entry torchvision's detectors share: the letterbox at 608 px without mosaics, the
// job hyperparameters they take (R-CNN's), SGD defaults, and their published weights: the COCO
// detector `coco_file` (when not empty) and the ImageNet ResNet-<depth>. forward_macs and build
// are the family's own.
FamilySpec torchvision_family_spec(const std::string& name, int depth, const std::string& coco_file);

// One forward pass of a torchvision network: per image (n, 6) detections with network labels (when
// asked for), and the losses in loss_names() order (when targets were given).
struct TorchvisionPass {
  std::vector<torch::Tensor> detections;
  std::vector<torch::Tensor> losses;
};

class TorchvisionDetector : public Detector {
 public:
  // family(): "<prefix>_resnet<depth>_fpn".
  TorchvisionDetector(const TorchvisionDetectorConfig& config, std::string prefix);

  std::string family() const override { return prefix_ + "_resnet" + std::to_string(base_.depth) + "_fpn"; }
  int num_classes() const override { return base_.num_classes; }
  LossResult losses(const torch::Tensor& images, const torch::Tensor& targets) override;
  DetectResult detect(const torch::Tensor& images, const DetectOptions& options, const torch::Tensor* targets) override;
  Preprocess preprocess() const override;
  // model_name, classes, input sizes, backbone, BatchNorm, labels_offset 1 and the preprocessing.
  nlohmann::json architecture() const override;
  // backbone.body.conv1., layer1. ... layer4. (R4.14).
  std::vector<std::string> freeze_groups() const override;

  std::vector<GraphOutput> export_graph(GraphBuilder& graph, const std::string& input) override;
  std::vector<torch::Tensor> export_reference(const torch::Tensor& images) override;
  std::vector<torch::Tensor> detections_from_outputs(const std::vector<torch::Tensor>& outputs, int input_w, int input_h,
                                                     const DetectOptions& options) override;

 protected:
  // The network on images (B, 3, H, W) RGB in [0, 1]; with per image xyxy boxes in input pixels
  // and labels >= 1, the losses; with options, the detections.
  virtual TorchvisionPass run(const torch::Tensor& images, const std::vector<torch::Tensor>* boxes,
                              const std::vector<torch::Tensor>* labels, const DetectOptions* options) = 0;

  TorchvisionDetectorConfig base_;

 private:
  std::string prefix_;
};

}  // namespace autodet::models
