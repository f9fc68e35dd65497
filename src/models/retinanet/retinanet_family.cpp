#include "models/retinanet/retinanet_family.h"

#include "models/rcnn/torchvision_weights.h"
#include "models/retinanet/retinanet_detector.h"

namespace autodet::models {

double retinanet_forward_macs(int image_size, int num_classes) {
  return dense_resnet50_fpn_macs(image_size, 9.0 * (num_classes + 1 + 4));  // 9 anchors: classes, offsets
}

FamilySpec retinanet_family() {
  FamilySpec f = torchvision_family_spec("retinanet_resnet50_fpn", 50, "retinanet_resnet50_fpn_coco-eeacb38b.pth");
  f.forward_macs = [](const std::string&, int image_size, int num_classes) {
    return retinanet_forward_macs(image_size, num_classes);
  };
  f.build = [](const DetectorConfig& c) -> std::unique_ptr<Detector> {
    RetinaNetConfig r;
    static_cast<TorchvisionDetectorConfig&>(r) = torchvision_config(c, 50, "RetinaNet");
    r.topk_candidates = c.architecture.value("topk_candidates", std::int64_t(1000));
    return std::make_unique<RetinaNetDetector>(r);
  };
  return f;
}

}  // namespace autodet::models
