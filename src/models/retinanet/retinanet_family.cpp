#include "models/retinanet/retinanet_family.h"

#include "core/error.h"
#include "models/rcnn/torchvision_weights.h"
#include "models/retinanet/retinanet_detector.h"

namespace autodet::models {

double retinanet_forward_macs(int image_size, int num_classes) {
  // ResNet-50 (4.09 GMACs at 224 px) scaled by area; FPN laterals on C3..C5 and 3x3 outputs,
  // P6 and P7; both head towers (four 256->256 3x3 convs each) and their last convs on P3..P7.
  const double s = double(image_size), area = s * s / (224.0 * 224.0);
  const double c3 = 512, A = 9, K = num_classes + 1;
  double fpn = 0, heads = 0;
  for (int l = 0; l < 5; ++l) {
    const double side = s / (8 << l), px = side * side;
    if (l < 3) fpn += px * (c3 * (1 << l) * 256 + 256 * 256 * 9);
    else fpn += px * (256 * 256 * 9);
    heads += px * (8 * 256 * 256 * 9 + 256 * 9 * A * (K + 4));
  }
  return 4.09e9 * area + fpn + heads;
}

FamilySpec retinanet_family() {
  FamilySpec f;
  f.name = "retinanet_resnet50_fpn";
  f.preprocess.resize = Preprocess::Resize::letterbox;
  f.preprocess.image_size = 608;
  f.preprocess.size_multiple = 32;
  f.preprocess.mosaic = false;
  f.hyperparameters = {"min_size", "max_size", "box_score_threshold", "nms_iou_threshold", "box_detections_per_image",
                       "layers_to_freeze", "tile_grid_size", "tile_overlap_ratio", "tile_predictions_nms_threshold"};
  f.training_defaults = {{"optimizer", "sgd"}, {"learning_rate", 0.005}, {"number_of_epochs", 15},
                         {"training_batch_size", 2}};
  f.weights.push_back(torchvision_coco_detector("retinanet_resnet50_fpn_coco-eeacb38b.pth"));
  f.weights.push_back(torchvision_imagenet_resnet(50));
  f.forward_macs = [](const std::string&, int image_size, int num_classes) {
    return retinanet_forward_macs(image_size, num_classes);
  };
  f.mac_time_factor = 1.0;
  f.build = [](const DetectorConfig& c) -> std::unique_ptr<Detector> {
    RetinaNetConfig r;
    r.num_classes = c.num_classes;
    const auto& a = c.architecture;
    r.min_size = a.value("min_size", c.min_size > 0 ? c.min_size : 600);
    r.max_size = a.value("max_size", c.max_size > 0 ? c.max_size : 1333);
    r.image_size = a.value("image_size", c.image_size > 0 ? c.image_size : (r.min_size + 31) / 32 * 32);
    if (r.image_size % 32 != 0)
      throw UsageError(Location{"", 0, "", "min_size"}, "the RetinaNet input size must be a multiple of 32, not " +
                                                            std::to_string(r.image_size));
    r.init_seed = c.init_seed;
    r.topk_candidates = a.value("topk_candidates", std::int64_t(1000));
    if (a.contains("preprocess")) r.native_input = a["preprocess"].value("resize", "") == "native";
    r.trainable_bn = a.value("batch_norm", c.pretrained ? "frozen" : "trainable") == "trainable";
    return std::make_unique<RetinaNetDetector>(r);
  };
  return f;
}

}  // namespace autodet::models
