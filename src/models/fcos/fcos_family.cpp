#include "models/fcos/fcos_family.h"

#include "models/fcos/fcos_detector.h"
#include "models/rcnn/torchvision_weights.h"

namespace autodet::models {

double fcos_forward_macs(int image_size, int num_classes) {
  return dense_resnet50_fpn_macs(image_size, num_classes + 1 + 4 + 1);  // classes, distances, centerness
}

FamilySpec fcos_family() {
  FamilySpec f = torchvision_family_spec("fcos_resnet50_fpn", 50, "fcos_resnet50_fpn_coco-99b0c9b7.pth");
  f.training_defaults["learning_rate"] = 0.001;  // its GroupNorm head diverges at 0.005 without warmup
  f.forward_macs = [](const std::string&, int image_size, int num_classes) {
    return fcos_forward_macs(image_size, num_classes);
  };
  f.build = [](const DetectorConfig& c) -> std::unique_ptr<Detector> {
    FcosConfig r;
    static_cast<TorchvisionDetectorConfig&>(r) = torchvision_config(c, 50, "FCOS");
    r.topk_candidates = c.architecture.value("topk_candidates", std::int64_t(1000));
    r.center_sampling_radius = c.architecture.value("center_sampling_radius", 1.5);
    return std::make_unique<FcosDetector>(r);
  };
  return f;
}

}  // namespace autodet::models
