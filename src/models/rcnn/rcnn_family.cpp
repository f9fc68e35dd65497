#include "models/rcnn/rcnn_family.h"

#include <string>

#include "core/error.h"
#include "models/backbones/resnet.h"
#include "models/rcnn/faster_rcnn_detector.h"
#include "models/rcnn/torchvision_weights.h"

namespace autodet::models {
namespace {

std::unique_ptr<Detector> build(int depth, const DetectorConfig& c) {
  return std::make_unique<FasterRcnnDetector>(torchvision_config(c, depth, "R-CNN"));
}

}  // namespace

double faster_rcnn_forward_macs(int depth, int image_size, int num_classes) {
  // ResNet MACs at 224 px (torchvision's published GFLOPS are MACs), scaled by area; the FPN
  // (lateral 1x1 + output 3x3 at strides 4..32), the RPN head and 1000 RoIs through the box
  // head. Accurate to a few per cent, enough for AutoMode's ordering.
  double resnet224 = 0;
  switch (depth) {
    case 18: resnet224 = 1.81e9; break;
    case 34: resnet224 = 3.66e9; break;
    case 50: resnet224 = 4.09e9; break;
    case 101: resnet224 = 7.80e9; break;
    default: resnet224 = 11.51e9; break;
  }
  const double s = double(image_size), area = s * s / (224.0 * 224.0);
  const double c2 = depth >= 50 ? 256 : 64;
  double fpn = 0, rpn = 0;
  for (int l = 0; l < 4; ++l) {
    const double px = (s / (4 << l)) * (s / (4 << l));
    fpn += px * (c2 * (1 << l) * 256 + 256 * 256 * 9);
    rpn += px * (256 * 256 * 9 + 256 * 15);
  }
  const double box_head = 1000.0 * (256 * 49 * 1024 + 1024 * 1024 + 1024 * 5.0 * (num_classes + 1));
  return resnet224 * area + fpn + rpn * (1 + 1.0 / 4) + box_head;
}

std::vector<FamilySpec> rcnn_families() {
  std::vector<FamilySpec> out;
  for (const int depth : {18, 34, 50, 101, 152}) {
    FamilySpec f = torchvision_family_spec("fasterrcnn_resnet" + std::to_string(depth) + "_fpn", depth,
                                           depth == 50 ? "fasterrcnn_resnet50_fpn_coco-258fb6c6.pth" : "");
    f.forward_macs = [depth](const std::string&, int image_size, int num_classes) {
      return faster_rcnn_forward_macs(depth, image_size, num_classes);
    };
    f.build = [depth](const DetectorConfig& c) { return build(depth, c); };
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace autodet::models
