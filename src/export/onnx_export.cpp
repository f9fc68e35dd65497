#include "export/onnx_export.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include "core/error.h"
#include "core/fs.h"
#include "export/onnx_graph.h"
#include "models/ops/graph_ops.h"
#include "package/model_package.h"
#include "package/package_detector.h"

namespace autodet {
namespace {

namespace G = models::graph;

// ONNX's NonMaxSuppression over the family's candidates, then the kept boxes gathered into one
// (K, 7) float output.
models::GraphOutput nms_output(models::GraphBuilder& g, const models::GraphCandidates& c, const models::DetectOptions& o) {
  auto selected = g.op1("NonMaxSuppression",
                        {c.boxes, c.scores, g.constant("nms.max_per_class", torch::tensor({std::int64_t(o.max_detections)})),
                         g.constant("nms.iou_threshold", torch::tensor({float(o.iou_threshold)})),
                         g.constant("nms.score_threshold", torch::tensor({float(o.score_threshold)}))});  // (K, 3)
  auto image = G::slice(g, selected, 1, 0, 1), cls = G::slice(g, selected, 1, 1, 2), box = G::slice(g, selected, 1, 2, 3);
  auto boxes = g.op1("GatherND", {c.boxes, G::concat(g, {image, box}, 1)});               // (K, 4)
  auto scores = G::reshape(g, g.op1("GatherND", {c.scores, selected}), {-1, 1});         // (K, 1)
  auto as_float = [&](const std::string& t) { return g.op1("Cast", {t}, {{"to", std::int64_t(1)}}); };
  return {G::concat(g, {as_float(image), boxes, scores, as_float(cls)}, 1), "detections", {-2, 7},
          "per kept box: image index in the batch, x0, y0, x1, y1 (input pixels), score, class"};
}

}  // namespace

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
  if (o.nms) outputs = {nms_output(g, detector.export_candidates(g, outputs), o.nms_options)};
  for (auto& out : outputs) {
    if (!out.shape.empty() && out.shape[0] == -1) out.shape[0] = batch;
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
  if (o.nms)
    input["nms"] = {{"score_threshold", o.nms_options.score_threshold},
                    {"iou_threshold", o.nms_options.iou_threshold},
                    {"max_detections_per_class", o.nms_options.max_detections}};
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
  auto detector = load_package_detector(package_dir, package);
  OnnxExportOptions options = o;
  if (options.nms) {  // the package's own inference settings
    const auto& s = package.settings;
    options.nms_options.score_threshold = s.value("box_score_thresh", options.nms_options.score_threshold);
    options.nms_options.iou_threshold = s.value("nms_iou_thresh", options.nms_options.iou_threshold);
    options.nms_options.max_detections = s.value("box_detections_per_img", options.nms_options.max_detections);
  }
  OnnxExportSummary summary;
  const auto bytes = onnx_model_bytes(
      *detector, nlohmann::json{{"model", package.architecture}, {"labels", package.labels}, {"settings", package.settings}, {"metrics", package.metrics}}, options, &summary);
  write_file_atomic(out, bytes);
  return summary;
}

}  // namespace autodet
