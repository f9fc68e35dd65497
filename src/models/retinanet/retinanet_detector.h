#pragma once
// RetinaNet ResNet-50-FPN behind the detector contract, as every torchvision detector is
// (models/rcnn/torchvision_detector.h); its background column (label 0) never trains.
#include <cstdint>
#include <string>
#include <vector>

#include "models/rcnn/torchvision_detector.h"
#include "models/retinanet/retinanet.h"

namespace autodet::models {

struct RetinaNetConfig : TorchvisionDetectorConfig {
  std::int64_t topk_candidates = 1000;  // per level, before NMS
};

class RetinaNetDetector : public TorchvisionDetector {
 public:
  explicit RetinaNetDetector(const RetinaNetConfig& config);

  torch::nn::Module& module() override { return *net_; }

  // torchvision's loss names.
  std::vector<std::string> loss_names() const override { return {"classification", "bbox_regression"}; }

  nlohmann::json architecture() const override;  // and topk_candidates
  std::vector<std::string> class_layers() const override;
  // torchvision < 0.13 names: head.*.conv.{0,2,4,6}.* and backbone.fpn.*_blocks.i.*.
  std::string tensor_name(const std::string& stored_name) const override;

  RetinaNet& network() { return net_; }

 private:
  TorchvisionPass run(const torch::Tensor& images, const std::vector<torch::Tensor>* boxes,
                      const std::vector<torch::Tensor>* labels, const DetectOptions* options) override;
  RetinaNetSettings settings(const DetectOptions& o) const;

  RetinaNetConfig cfg_;
  RetinaNet net_{nullptr};
};

}  // namespace autodet::models
