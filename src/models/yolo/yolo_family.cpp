#include "models/yolo/yolo_family.h"

#include "core/error.h"
#include "models/yolo/yolo_cost.h"
#include "models/yolo/yolo_detector.h"

namespace autodet::models {
namespace {

// Ultralytics' release v6.1: COCO-80 checkpoints of every size, GPL-3.0 at that tag.
constexpr const char* kRelease = "https://github.com/ultralytics/yolov5/releases/download/v6.1/";

// The COCO-80 class names in Ultralytics' index order.
const std::vector<std::string>& coco_names() {
  static const std::vector<std::string> names = {"person", "bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck", "boat", "traffic light", "fire hydrant", "stop sign", "parking meter", "bench", "bird", "cat", "dog", "horse", "sheep", "cow", "elephant", "bear", "zebra", "giraffe", "backpack", "umbrella", "handbag", "tie", "suitcase", "frisbee", "skis", "snowboard", "sports ball", "kite", "baseball bat", "baseball glove", "skateboard", "surfboard", "tennis racket", "bottle", "wine glass", "cup", "fork", "knife", "spoon", "bowl", "banana", "apple", "sandwich", "orange", "broccoli", "carrot", "hot dog", "pizza", "donut", "cake", "chair", "couch", "potted plant", "bed", "dining table", "toilet", "tv", "laptop", "mouse", "remote", "keyboard", "cell phone", "microwave", "oven", "toaster", "sink", "refrigerator", "book", "clock", "vase", "scissors", "teddy bear", "hair drier", "toothbrush"};
  return names;
}

std::vector<WeightSource> published_weights() {
  const std::pair<const char*, const char*> sizes[] = {
      {"nano", "n"}, {"small", "s"}, {"medium", "m"}, {"large", "l"}, {"extra_large", "x"}};
  std::vector<WeightSource> out;
  for (const auto& [size, letter] : sizes) {
    WeightSource w;
    w.kind = "coco";
    w.model_size = size;
    w.file = std::string("yolov5/yolov5") + letter + "_coco_v6.1.pt";
    w.url = std::string(kRelease) + "yolov5" + letter + ".pt";
    // Ultralytics publishes no hashes; the nano file's is that of the copy autodet is tested
    // with, the others are recorded when first pulled.
    if (std::string(size) == "nano") w.sha256 = "4f180cf23ba0717ada0badd6c685026d73d48f184d00fc159c2641284b2ac0a3";
    w.licence = "GPL-3.0";
    w.classes = coco_names();
    out.push_back(w);
  }
  return out;
}

std::unique_ptr<Detector> build_yolov5(const DetectorConfig& c) {
  const nlohmann::json& arch = c.architecture;
  const std::string size = canonical_yolov5_size(c.model_size.empty() ? "medium" : c.model_size);
  if (size.empty()) throw UsageError(Location{"", 0, "", "model_size"}, "unknown yolov5 model_size '" + c.model_size + "'");
  YoloV5Config config = config_for_size(size, c.num_classes);
  if (arch.contains("anchors")) config.anchors = arch.at("anchors").get<std::vector<std::vector<float>>>();
  const int image_size = c.image_size > 0 ? c.image_size : 640;
  return std::make_unique<YoloDetector>(config, size, image_size, c.init_seed);
}

}  // namespace

FamilySpec yolov5_family() {
  FamilySpec f;
  f.name = "yolov5";
  f.sizes = {"nano", "small", "medium", "large", "extra_large"};
  f.default_size = "medium";
  f.preprocess.resize = Preprocess::Resize::letterbox;
  f.preprocess.image_size = 640;
  f.preprocess.size_multiple = 32;
  f.preprocess.mosaic = true;
  f.hyperparameters = {"model_size", "image_size", "multi_scale", "box_score_threshold", "nms_iou_threshold",
                       "box_detections_per_image", "layers_to_freeze", "tile_grid_size", "tile_overlap_ratio",
                       "tile_predictions_nms_threshold"};
  f.weights = published_weights();
  f.forward_macs = [](const std::string& size, int image_size, int num_classes) {
    return yolov5_conv_cost(size.empty() ? "medium" : size, image_size, num_classes).macs;
  };
  f.build = build_yolov5;
  return f;
}

}  // namespace autodet::models
