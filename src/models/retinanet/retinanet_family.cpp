#include "models/retinanet/retinanet_family.h"

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
    const auto in = torchvision_input(c, "RetinaNet");
    r.min_size = in.min_size;
    r.max_size = in.max_size;
    r.image_size = in.image_size;
    r.native_input = in.native_input;
    r.trainable_bn = in.trainable_bn;
    r.init_seed = c.init_seed;
    r.topk_candidates = c.architecture.value("topk_candidates", std::int64_t(1000));
    return std::make_unique<RetinaNetDetector>(r);
  };
  return f;
}

}  // namespace autodet::models
