// `autodet export PKG --format onnx [--batch dynamic|N] [--opset N] [--out FILE]`: a model package
// as a file other runtimes run (ONNX Runtime, OpenCV DNN, TensorRT).
#ifdef AUTODET_HAVE_TORCH  // the weights are read with libtorch
#include <memory>

#include <fmt/format.h>

#include "cli/command.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/log.h"
#include "export/onnx_export.h"

namespace autodet::cli {
namespace {

struct Args {
  std::string package, format = "onnx", batch = "dynamic", out;
  int opset = 13;
  bool input_0_255 = false, nms = false;
};

void run(const Args& a) {
  OnnxExportOptions o;
  o.opset = a.opset;
  o.input_0_255 = a.input_0_255;
  o.nms = a.nms;
  if (a.batch != "dynamic") {
    try {
      std::size_t used = 0;
      o.batch = std::stoi(a.batch, &used);
      if (used != a.batch.size() || o.batch < 1) throw std::invalid_argument(a.batch);
    } catch (const std::exception&) {
      throw UsageError("--batch takes 'dynamic' or a positive number, not '" + a.batch + "'");
    }
  }
  const std::string out = a.out.empty() ? join_path(a.package, o.batch ? fmt::format("model_{}.onnx", o.batch) : "model.onnx") : a.out;
  const auto s = export_onnx(a.package, out, o);
  log::out() << fmt::format("wrote {} ({} model, {}x{} input, batch {}, opset {}, {} operators, {:.1f} MB)\n", out,
                            s.model_name, s.image_size, s.image_size, o.batch ? std::to_string(o.batch) : "dynamic",
                            o.opset, s.nodes, double(s.bytes) / 1e6);
  for (const auto& output : s.outputs) {
    std::string shape;
    for (auto d : output.shape)
      shape += (shape.empty() ? "" : "x") + (d == -1 ? std::string("batch") : d < 0 ? output.count_name : std::to_string(d));
    log::out() << fmt::format("  output {} {}: {}\n", output.name, shape, output.description);
  }
}

CommandRegistrar reg(34, [](CLI::App& root) {
  auto args = std::make_shared<Args>();
  auto* cmd = root.add_subcommand("export", "Export a model package to ONNX (dynamic or fixed batch)");
  cmd->add_option("PACKAGE", args->package, "Model package folder (a trial's model/ or a job's best_model/)")->required();
  cmd->add_option("--format", args->format, "Export format")->check(CLI::IsMember({"onnx"}))->capture_default_str();
  cmd->add_option("--batch", args->batch, "'dynamic' (any batch size) or a fixed batch size N")->capture_default_str();
  cmd->add_option("--opset", args->opset, "ONNX operator set version (11 to 17)")->check(CLI::Range(11, 17))->capture_default_str();
  cmd->add_option("--out", args->out, "Output file (default: PACKAGE/model.onnx, or model_N.onnx for a fixed batch)");
  cmd->add_flag("--input-0-255", args->input_0_255,
                "The graph takes 0-255 pixels and divides by 255 itself (Azure's enable_onnx_normalization)");
  cmd->add_flag("--nms", args->nms,
                "Decoding and NMS in the graph, with the package's thresholds: one output 'detections' (n, 7) "
                "(ONNX Runtime and TensorRT run it; OpenCV DNN has no NonMaxSuppression)");
  cmd->callback([args] { run(*args); });
});

}  // namespace
}  // namespace autodet::cli
#endif  // AUTODET_HAVE_TORCH
