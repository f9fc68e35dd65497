#pragma once
// Runs a YOLOv5 over a validation loader and scores it: detections are mapped back from the
// letterboxed input to each original image, then VOC/COCO metrics are computed by eval/.
#include <optional>

#include <torch/types.h>

#include "data/dataset.h"
#include "data/loader/detection_loader.h"
#include "eval/evaluate.h"
#include "models/yolo/postprocess.h"
#include "models/yolo/yolo_loss.h"
#include "models/yolo/yolov5.h"
#include "train/image_detector.h"
#include "train/precision.h"

namespace autodet {

struct ValidationResult {
  eval::EvalReport report;
  std::optional<double> loss;  // mean validation loss per image (when a loss was given)
  double seconds = 0;
  std::size_t images = 0;
};

// The model is run in eval mode under no_grad; its mode is restored afterwards.
ValidationResult validate_yolo(models::YoloV5& model, DetectionLoader& loader, const Dataset& dataset,
                               const std::vector<std::string>& classes, const models::YoloNmsOptions& nms,
                               const eval::EvalOptions& eval_options, const torch::Device& device, Precision precision,
                               const models::YoloLoss* loss, int epoch);

// Scores the model by `detect` run on the validation images at full resolution, `batch` images at a
// time (tiled evaluation). The model is in eval mode under no_grad meanwhile; no loss is computed.
ValidationResult validate_images(models::YoloV5& model, const Dataset& dataset, const std::vector<std::string>& classes,
                                 const eval::EvalOptions& eval_options, const ImageDetector& detect, int batch);

// (B, 3, H, W) float tensor in [0, 1] on device, from a loader batch (uint8 RGB).
torch::Tensor batch_images(const Batch& batch, const torch::Device& device);
// (N, 6) float targets on device.
torch::Tensor batch_targets(const Batch& batch, const torch::Device& device);

}  // namespace autodet
