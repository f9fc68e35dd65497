#pragma once
// Runs a detector over a validation loader and scores it: detections are mapped back from the
// prepared input to each original image, then VOC/COCO metrics are computed by eval/.
#include <optional>

#include <torch/types.h>

#include "data/dataset.h"
#include "data/loader/detection_loader.h"
#include "eval/evaluate.h"
#include "package/inference_settings.h"
#include "models/detector.h"
#include "train/precision.h"

namespace autodet {

struct ValidationResult {
  eval::EvalReport report;
  eval::EvalSet set;           // the objects and predictions the report was computed from
  std::optional<double> loss;  // mean validation loss per image (when asked for)
  double seconds = 0;
  std::size_t images = 0;
};

// The model is run in eval mode under no_grad; its mode is restored afterwards.
ValidationResult validate_detector(models::Detector& detector, DetectionLoader& loader, const Dataset& dataset,
                                   const std::vector<std::string>& classes, const models::DetectOptions& options,
                                   const eval::EvalOptions& eval_options, const torch::Device& device, Precision precision,
                                   bool with_loss, int epoch);

// Scores the model by package/image_detect run on the validation images at full resolution with
// `settings` (tiled evaluation, §8.2), `batch` inputs at a time. No loss is computed.
ValidationResult validate_images(models::Detector& detector, const Dataset& dataset, const std::vector<std::string>& classes,
                                 const eval::EvalOptions& eval_options, const InferenceSettings& settings,
                                 const torch::Device& device, int batch);

// (B, 3, H, W) float tensor in [0, 1] on device, from a loader batch (uint8 RGB).
torch::Tensor batch_images(const Batch& batch, const torch::Device& device);
// (N, 6) float targets on device.
torch::Tensor batch_targets(const Batch& batch, const torch::Device& device);

}  // namespace autodet
