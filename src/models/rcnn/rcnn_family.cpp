#include "models/rcnn/rcnn_family.h"

#include <string>

#include "core/error.h"
#include "models/backbones/resnet.h"
#include "models/rcnn/faster_rcnn_detector.h"

namespace autodet::models {
namespace {

constexpr const char* kTorchvision = "https://download.pytorch.org/models/";

struct ImagenetFile {
  int depth;
  const char* file;  // torchvision's name; its suffix is the sha256 prefix torchvision checks
  const char* hash_prefix;
};
constexpr ImagenetFile kImagenet[] = {{18, "resnet18-f37072fd.pth", "f37072fd"},
                                      {34, "resnet34-b627a593.pth", "b627a593"},
                                      {50, "resnet50-0676ba61.pth", "0676ba61"},
                                      {101, "resnet101-63fe2227.pth", "63fe2227"},
                                      {152, "resnet152-394f9c45.pth", "394f9c45"}};

// torchvision's COCO label map without its "__background__" (index 0): class i is label i + 1.
std::vector<std::string> coco_labels() {
  return {"person", "bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck", "boat", "traffic light",
          "fire hydrant", "N/A", "stop sign", "parking meter", "bench", "bird", "cat", "dog", "horse", "sheep", "cow",
          "elephant", "bear", "zebra", "giraffe", "N/A", "backpack", "umbrella", "N/A", "N/A", "handbag", "tie",
          "suitcase", "frisbee", "skis", "snowboard", "sports ball", "kite", "baseball bat", "baseball glove",
          "skateboard", "surfboard", "tennis racket", "bottle", "N/A", "wine glass", "cup", "fork", "knife", "spoon",
          "bowl", "banana", "apple", "sandwich", "orange", "broccoli", "carrot", "hot dog", "pizza", "donut", "cake",
          "chair", "couch", "potted plant", "bed", "N/A", "dining table", "N/A", "N/A", "toilet", "N/A", "tv",
          "laptop", "mouse", "remote", "keyboard", "cell phone", "microwave", "oven", "toaster", "sink",
          "refrigerator", "N/A", "book", "clock", "vase", "scissors", "teddy bear", "hair drier", "toothbrush"};
}

std::unique_ptr<Detector> build(int depth, const DetectorConfig& c) {
  FasterRcnnConfig f;
  f.depth = depth;
  f.num_classes = c.num_classes;
  const auto& a = c.architecture;
  f.min_size = a.value("min_size", c.min_size > 0 ? c.min_size : 600);
  f.max_size = a.value("max_size", c.max_size > 0 ? c.max_size : 1333);
  f.image_size = a.value("image_size", c.image_size > 0 ? c.image_size : (f.min_size + 31) / 32 * 32);
  if (f.image_size % 32 != 0)
    throw UsageError(Location{"", 0, "", "min_size"}, "the R-CNN input size must be a multiple of 32, not " +
                                                          std::to_string(f.image_size));
  f.init_seed = c.init_seed;
  if (a.contains("preprocess")) f.native_input = a["preprocess"].value("resize", "") == "native";
  f.trainable_bn = a.value("batch_norm", c.pretrained ? "frozen" : "trainable") == "trainable";
  return std::make_unique<FasterRcnnDetector>(f);
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
  for (const auto& im : kImagenet) {
    const int depth = im.depth;
    FamilySpec f;
    f.name = "fasterrcnn_resnet" + std::to_string(depth) + "_fpn";
    f.preprocess.resize = Preprocess::Resize::letterbox;
    f.preprocess.image_size = 608;
    f.preprocess.size_multiple = 32;
    f.preprocess.mosaic = false;
    f.hyperparameters = {"min_size", "max_size", "box_score_threshold", "nms_iou_threshold", "box_detections_per_image",
                         "layers_to_freeze", "tile_grid_size", "tile_overlap_ratio", "tile_predictions_nms_threshold"};
    f.training_defaults = {{"optimizer", "sgd"}, {"learning_rate", 0.005}, {"number_of_epochs", 15},
                           {"training_batch_size", 2}};
    WeightSource imagenet;
    imagenet.kind = "imagenet";
    imagenet.file = std::string("torchvision/") + im.file;
    imagenet.url = std::string(kTorchvision) + im.file;
    imagenet.sha256 = im.hash_prefix;
    imagenet.licence = "BSD-3-Clause";
    imagenet.prefix = "backbone.body.";
    if (depth == 50) {
      WeightSource coco;
      coco.kind = "coco";
      coco.file = "torchvision/fasterrcnn_resnet50_fpn_coco-258fb6c6.pth";
      coco.url = std::string(kTorchvision) + "fasterrcnn_resnet50_fpn_coco-258fb6c6.pth";
      coco.sha256 = "258fb6c6";
      coco.licence = "BSD-3-Clause";
      coco.classes = coco_labels();
      f.weights.push_back(coco);
    }
    f.weights.push_back(imagenet);
    f.forward_macs = [depth](const std::string&, int image_size, int num_classes) {
      return faster_rcnn_forward_macs(depth, image_size, num_classes);
    };
    // Not yet measured against YOLOv5's MAC time; dense 3x3/1x1 convolutions run near it.
    f.mac_time_factor = 1.0;
    f.build = [depth](const DetectorConfig& c) { return build(depth, c); };
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace autodet::models
