#include "export/onnx_export.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include "core/error.h"
#include "core/fs.h"
#include "export/onnx_graph.h"
#include "models/ops/graph_ops.h"
#include "models/registry.h"
#include "package/model_package.h"
#include "package/weight_file.h"

namespace autodet {

std::string onnx_model_bytes(models::Detector& detector, const nlohmann::json& package_json,
                             const OnnxExportOptions& o, OnnxExportSummary* summary) {
  if (o.batch < 0) throw UsageError("the export batch size must be at least 1 (or dynamic)");
  torch::NoGradGuard no_grad;
  detector.module().eval();
  const auto pre = detector.preprocess();
  const std::int64_t size = pre.image_size, batch = o.batch == 0 ? -1 : o.batch;

  OnnxGraph g(o.opset, detector.family());
  const std::string range = o.input_0_255 ? "0-255" : "0-1";
  g.add_input("input", {batch, 3, size, size},
              fmt::format("RGB pixels in [{}], NCHW, {}x{}, {} resize", o.input_0_255 ? "0, 255" : "0, 1", size, size,
                          models::resize_name(pre.resize)));
  std::string x = "input";
  if (o.input_0_255) x = models::graph::binary(g, "Div", x, models::graph::scalar(g, 255.f));
  auto outputs = detector.export_graph(g, x);
  for (auto& out : outputs) {
    if (!out.shape.empty() && out.shape[0] < 0) out.shape[0] = batch;
    g.add_output(out);
  }
  nlohmann::json input{{"name", "input"},
                       {"layout", "NCHW"},
                       {"channels", "RGB"},
                       {"range", range},
                       {"image_size", size},
                       {"resize", models::resize_name(pre.resize)},
                       {"batch", o.batch == 0 ? nlohmann::json("dynamic") : nlohmann::json(o.batch)}};
  if (pre.resize == models::Preprocess::Resize::letterbox) input["pad_value"] = 114;
  g.set_metadata(kOnnxInputKey, input.dump());
  for (const auto& [key, field] : {std::pair{kOnnxModelKey, "model"}, std::pair{kOnnxLabelsKey, "labels"},
                                   std::pair{kOnnxSettingsKey, "settings"}, std::pair{kOnnxMetricsKey, "metrics"}})
    if (package_json.contains(field)) g.set_metadata(key, package_json.at(field).dump());
  g.set_doc(fmt::format("autodet {} detector, {} classes", detector.family(), detector.num_classes()));
  auto bytes = g.serialize();
  if (summary) {
    summary->model_name = detector.family();
    summary->image_size = int(size);
    summary->nodes = g.node_count();
    summary->constants = g.constant_count();
    summary->bytes = bytes.size();
    summary->outputs = outputs;
  }
  return bytes;
}

OnnxExportSummary export_onnx(const std::string& package_dir, const std::string& out, const OnnxExportOptions& o) {
  const auto package = read_model_package(package_dir);
  const auto& arch = package.architecture;
  const std::string name = arch.value("model_name", "yolov5");
  const std::string model_json = join_path(package_dir, "model.json");
  if (!models::is_registered_detector(name))
    throw NotSupportedError(Location{model_json, 0, "", "model_name"}, "this autodet cannot export '" + name + "' models");
  const int num_classes = arch.value("num_classes", int(package.labels.size()));
  if (num_classes != int(package.labels.size()) || num_classes < 1)
    throw DataError(Location{model_json, 0, "", "num_classes"},
                    fmt::format("says {} classes but labels.json lists {}", num_classes, package.labels.size()));
  auto detector = models::build_detector_from(arch, num_classes);
  load_weights(join_path(package_dir, "model.pt"), detector->module(), torch::kCPU);
  OnnxExportSummary summary;
  const auto bytes = onnx_model_bytes(
      *detector, nlohmann::json{{"model", arch}, {"labels", package.labels}, {"settings", package.settings}, {"metrics", package.metrics}}, o, &summary);
  write_file_atomic(out, bytes);
  return summary;
}

}  // namespace autodet
