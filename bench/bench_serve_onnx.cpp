// Scoring speed of a model package on libtorch against its ONNX export on OpenCV DNN, the two
// ways `predict` and `serve` can run a model, measured side by side in one run: three rounds, each
// timing both back to back (a shared machine drifts), of one image per call (p50 latency) and of
// full batches of 8 (images/s). Families: YOLOv5n at 320 px and FastestDet at 352 px (untrained
// weights: the speed of a forward pass does not depend on their values).
//
//   bench_serve_onnx [--seconds 4]   (per model, per round, per form)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <unistd.h>

#include "data/synth.h"
#include "deploy/predictor.h"
#include "export/onnx_export.h"
#include "models/registry.h"
#include "package/model_package.h"
#include "package/weight_file.h"

using namespace autodet;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

struct Timing {
  std::vector<double> single_ms;  // one image per call
  double batch_images = 0, batch_seconds = 0;
};

void time_scorer(Scorer& s, const cv::Mat& image, double seconds, Timing& t) {
  const std::vector<cv::Mat> one{image}, eight(8, image);
  s.score(one, s.settings());
  auto t0 = Clock::now();
  do {
    const auto c = Clock::now();
    s.score(one, s.settings());
    t.single_ms.push_back(1e3 * seconds_since(c));
  } while (seconds_since(t0) < seconds / 2);
  s.score(eight, s.settings());
  t0 = Clock::now();
  do {
    s.score(eight, s.settings());
    t.batch_images += 8;
  } while (seconds_since(t0) < seconds / 2);
  t.batch_seconds += seconds_since(t0);
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

void write_package(const std::string& dir, const std::string& family, int image_size) {
  models::DetectorConfig c;
  c.model_size = family == "yolov5" ? "nano" : "";
  c.num_classes = 3;
  c.image_size = image_size;
  c.init_seed = 1;
  auto d = models::build_detector(family, c);
  ModelPackage p;
  p.architecture = package_architecture(*d);
  p.labels = {"circle", "square", "triangle"};
  // Untrained heads score thousands of boxes near 0.1: a high threshold keeps NMS (the same code
  // for both forms) out of the timing, which is then the forward pass and the image preparation.
  p.settings = {{"img_size", image_size}, {"box_score_thresh", 0.6}};
  p.per_label_metrics = nlohmann::json::object();
  p.metrics = nlohmann::json::object();
  write_model_package(dir, p, [&](const std::string& path) { save_weights(path, d->module(), {}); });
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 4;
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--seconds" && i + 1 < argc) seconds = std::stod(argv[++i]);
    else {
      std::cerr << "usage: bench_serve_onnx [--seconds S]\n";
      return 2;
    }
  }
  const std::string tmp = (std::filesystem::temp_directory_path() / fmt::format("bench-onnx-{}", ::getpid())).string();
  SynthOptions so;
  so.width = 640;
  so.height = 480;
  const cv::Mat image = render_synthetic_image(so, 0).image;
  for (const auto& [family, size] : {std::pair{std::string("yolov5"), 320}, std::pair{std::string("fastestdet"), 352}}) {
    const std::string pkg = tmp + "/" + family, onnx = tmp + "/" + family + ".onnx";
    write_package(pkg, family, size);
    export_onnx(pkg, onnx, OnnxExportOptions{});
    PredictorOptions po;
    po.package_dir = pkg;
    po.max_batch = 8;
    auto torch_scorer = load_predictor(po);
    po.package_dir = onnx;
    auto onnx_scorer = load_predictor(po);
    Timing tt, to;
    for (int round = 0; round < 3; ++round) {
      time_scorer(*torch_scorer, image, seconds / 3, tt);
      time_scorer(*onnx_scorer, image, seconds / 3, to);
    }
    const double t1 = median(tt.single_ms), o1 = median(to.single_ms);
    const double tb = tt.batch_images / tt.batch_seconds, ob = to.batch_images / to.batch_seconds;
    std::printf("%-10s %-5s %d px, 640x480 JPEG-sized image: one image p50 libtorch %.1f ms, ONNX/OpenCV DNN %.1f ms (%.2fx);"
                " batch 8 libtorch %.1f img/s, ONNX %.1f img/s (%.2fx)\n",
                family.c_str(), family == "yolov5" ? "nano" : "", size, t1, o1, t1 / o1, tb, ob, ob / tb);
  }
  std::filesystem::remove_all(tmp);
  return 0;
}
