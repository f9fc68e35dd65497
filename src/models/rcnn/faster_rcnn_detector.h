#pragma once
// Faster R-CNN ResNet-{18,34,50,101,152}-FPN behind the detector contract, as every torchvision
// detector is (models/rcnn/torchvision_detector.h).
#include <cstdint>
#include <string>
#include <vector>

#include "models/rcnn/faster_rcnn.h"
#include "models/rcnn/torchvision_detector.h"

namespace autodet::models {

using FasterRcnnConfig = TorchvisionDetectorConfig;

class FasterRcnnDetector : public TorchvisionDetector {
 public:
  explicit FasterRcnnDetector(const FasterRcnnConfig& config);

  torch::nn::Module& module() override { return *net_; }

  // torchvision's loss names.
  std::vector<std::string> loss_names() const override {
    return {"loss_classifier", "loss_box_reg", "loss_objectness", "loss_rpn_box_reg"};
  }

  std::vector<std::string> class_layers() const override;
  // torchvision < 0.13 names: rpn.head.conv.{weight,bias} and backbone.fpn.*_blocks.i.{weight,bias}.
  std::string tensor_name(const std::string& stored_name) const override;

  FasterRcnn& network() { return net_; }

 private:
  TorchvisionPass run(const torch::Tensor& images, const std::vector<torch::Tensor>* boxes,
                      const std::vector<torch::Tensor>* labels, const DetectOptions* options) override;

  FasterRcnn net_{nullptr};
};

}  // namespace autodet::models
