#pragma once
// ONNX export of a model package (`autodet export`): the detector's inference graph as its family
// writes it (BatchNorm folded, raw head outputs), with the package's labels, inference settings
// and architecture in the file's metadata, so a runtime needs nothing else.
#include <string>
#include <vector>

#include "models/detector.h"

namespace autodet {

struct OnnxExportOptions {
  int opset = 13;
  int batch = 0;                 // 0: dynamic (the symbolic dimension "batch"); N: fixed, Azure's batch form
  bool input_0_255 = false;      // enable_onnx_normalization: the graph takes 0-255 pixels and divides itself
  // Decoding and NMS in the graph: one output "detections" (K, 7) [image index in the batch, x0, y0,
  // x1, y1 (input pixels), score, class], per image and class by decreasing score, with these
  // thresholds and at most max_detections per class and image (ONNX's NonMaxSuppression).
  bool nms = false;
  models::DetectOptions nms_options;
};

struct OnnxExportSummary {
  std::string model_name;
  int image_size = 0;
  std::size_t nodes = 0, constants = 0, bytes = 0;
  std::vector<models::GraphOutput> outputs;
};

// Metadata keys of an exported file (JSON values).
inline constexpr const char* kOnnxLabelsKey = "autodet.labels";      // labels.json
inline constexpr const char* kOnnxSettingsKey = "autodet.settings";  // settings.json
inline constexpr const char* kOnnxModelKey = "autodet.model";        // model.json
inline constexpr const char* kOnnxInputKey = "autodet.input";        // how the input is made
inline constexpr const char* kOnnxMetricsKey = "autodet.metrics";    // metrics.json (what the model scored)

// The ONNX bytes of `detector` (put in eval mode) at its image size. package_json: model.json,
// labels, settings and metrics to record ({"model", "labels", "settings", "metrics"}; any may be absent).
std::string onnx_model_bytes(models::Detector& detector, const nlohmann::json& package_json,
                             const OnnxExportOptions& options, OnnxExportSummary* summary = nullptr);

// Exports the package in `package_dir` to `out` (written atomically).
OnnxExportSummary export_onnx(const std::string& package_dir, const std::string& out, const OnnxExportOptions& options);

}  // namespace autodet
