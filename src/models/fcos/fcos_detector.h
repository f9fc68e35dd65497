#pragma once
// FCOS ResNet-50-FPN behind the detector contract, as every torchvision detector is
// (models/rcnn/torchvision_detector.h); its background column (label 0) never trains.
#include <cstdint>
#include <string>
#include <vector>

#include "models/fcos/fcos.h"
#include "models/rcnn/torchvision_detector.h"

namespace autodet::models {

struct FcosConfig : TorchvisionDetectorConfig {
  std::int64_t topk_candidates = 1000;  // per level, before NMS
  double center_sampling_radius = 1.5;
};

class FcosDetector : public TorchvisionDetector {
 public:
  explicit FcosDetector(const FcosConfig& config);

  torch::nn::Module& module() override { return *net_; }

  // torchvision's loss names.
  std::vector<std::string> loss_names() const override { return {"classification", "bbox_regression", "bbox_ctrness"}; }

  nlohmann::json architecture() const override;  // and topk_candidates, center_sampling_radius
  std::vector<std::string> class_layers() const override;
  // torchvision < 0.13 FPN names: backbone.fpn.*_blocks.i.*.
  std::string tensor_name(const std::string& stored_name) const override;

  Fcos& network() { return net_; }

 private:
  TorchvisionPass run(const torch::Tensor& images, const std::vector<torch::Tensor>* boxes,
                      const std::vector<torch::Tensor>* labels, const DetectOptions* options) override;
  FcosSettings settings(const DetectOptions& o) const;

  FcosConfig cfg_;
  Fcos net_{nullptr};
};

}  // namespace autodet::models
