#include "models/yolo/yolo_family.h"

#include "core/error.h"
#include "models/yolo/yolo_cost.h"
#include "models/yolo/yolo_detector.h"

namespace autodet::models {
namespace {

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
  f.forward_macs = [](const std::string& size, int image_size, int num_classes) {
    return yolov5_conv_cost(size.empty() ? "medium" : size, image_size, num_classes).macs;
  };
  f.build = build_yolov5;
  return f;
}

}  // namespace autodet::models
