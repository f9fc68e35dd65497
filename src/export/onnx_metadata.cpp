#include "export/onnx_metadata.h"

#include <fstream>

#include <onnx/onnx_pb.h>

#include "core/error.h"
#include "export/onnx_export.h"

namespace autodet {

OnnxFileInfo read_onnx_info(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DataError(Location{path, 0, "", ""}, "cannot open the ONNX file");
  onnx::ModelProto model;
  if (!model.ParseFromIstream(&in)) throw DataError(Location{path, 0, "", ""}, "is not an ONNX model (it does not parse)");
  OnnxFileInfo info;
  for (const auto& p : model.metadata_props()) {
    nlohmann::json* field = p.key() == kOnnxModelKey      ? &info.model
                            : p.key() == kOnnxLabelsKey   ? &info.labels
                            : p.key() == kOnnxSettingsKey ? &info.settings
                            : p.key() == kOnnxInputKey    ? &info.input
                            : p.key() == kOnnxMetricsKey  ? &info.metrics
                                                          : nullptr;
    if (!field) continue;
    try {
      *field = nlohmann::json::parse(p.value());
    } catch (const nlohmann::json::exception& e) {
      throw DataError(Location{path, 0, "metadata", p.key()}, std::string("is not valid JSON: ") + e.what());
    }
  }
  for (const auto& [key, value] : {std::pair{kOnnxModelKey, &info.model}, std::pair{kOnnxLabelsKey, &info.labels},
                                   std::pair{kOnnxInputKey, &info.input}})
    if (value->is_null())
      throw DataError(Location{path, 0, "metadata", key},
                      "is missing: only files written by `autodet export PACKAGE` can be run as --model");
  if (info.settings.is_null()) info.settings = nlohmann::json::object();
  if (info.metrics.is_null()) info.metrics = nlohmann::json::object();
  if (!info.labels.is_array() || info.labels.empty())
    throw DataError(Location{path, 0, "metadata", kOnnxLabelsKey}, "must list the class names");
  return info;
}

}  // namespace autodet
