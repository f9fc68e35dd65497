#pragma once
// Reads back what `autodet export` recorded in an ONNX file: the model's architecture, labels,
// inference settings and input form, so predict and serve can run the file on its own.
#include <string>

#include <nlohmann/json.hpp>

namespace autodet {

struct OnnxFileInfo {
  nlohmann::json model;     // model.json
  nlohmann::json labels;    // labels.json (a list of names)
  nlohmann::json settings;  // settings.json
  nlohmann::json input;     // {"name", "image_size", "range", "batch", ...}
  nlohmann::json metrics;   // metrics.json ({} when not recorded)
};

// Throws DataError naming the file when it is no ONNX model, or not one autodet exported.
OnnxFileInfo read_onnx_info(const std::string& path);

}  // namespace autodet
