#include "deploy/predictor.h"

#include <algorithm>
#include <filesystem>

#include <opencv2/imgproc.hpp>
#include <torch/torch.h>

#include "core/error.h"
#include "core/fs.h"
#include "deploy/onnx_predictor.h"
#include "models/device.h"
#include "package/package_detector.h"
#include "package/weight_file.h"

namespace autodet {

InferenceSettings resolve_settings(const nlohmann::json& architecture, const nlohmann::json& settings,
                                   const nlohmann::json& overrides, const SettingsLimits& limits,
                                   const std::string& settings_source) {
  InferenceSettings defaults;
  defaults.img_size = architecture.value("image_size", defaults.img_size);
  defaults.model_size = architecture.value("model_size", "");
  InferenceSettings s;
  try {
    // settings.json may hold keys of other model families; a value of a known key must be valid.
    s = apply_settings(defaults, settings, SettingsLimits{}, /*strict=*/false);
  } catch (const UsageError& e) {
    throw DataError(Location{settings_source, 0, "", ""}, e.what());
  }
  return apply_settings(s, overrides, limits, /*strict=*/true);
}

void normalise_to_images(std::vector<ImageDetections>& detections, const std::vector<cv::Mat>& images) {
  for (std::size_t i = 0; i < images.size(); ++i) {
    const double w = images[i].cols, h = images[i].rows;
    for (auto& d : detections[i]) {
      d.x0 /= w;
      d.x1 /= w;
      d.y0 /= h;
      d.y1 /= h;
    }
  }
}

Predictor::Predictor(const PredictorOptions& o, const torch::Device& device)
    : dir_(o.package_dir), package_(read_model_package(o.package_dir)), limits_(o.limits), max_batch_(o.max_batch),
      device_(device) {
  if (max_batch_ < 1) throw UsageError("the batch size must be at least 1");
  detector_ = load_package_detector(dir_, package_);
  settings_ = resolve_settings(package_.architecture, package_.settings, o.overrides, limits_,
                               join_path(dir_, "settings.json"));
  detector_->module().to(device_);
  detector_->module().eval();
  detector_->use_channels_last();
  if (o.warm_up) {
    InferenceSettings warm = settings_;
    warm.tile_grid.reset();
    detect_images(*detector_, {cv::Mat(settings_.img_size, settings_.img_size, CV_8UC3, cv::Scalar::all(114))}, warm,
                  device_, 1);
  }
}

std::vector<ImageDetections> Predictor::score(const std::vector<cv::Mat>& images, const InferenceSettings& s) {
  ForwardStats st;
  std::vector<ImageDetections> out;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    out = detect_images(*detector_, images, s, device_, max_batch_, &st);
  }
  passes_ += st.passes;
  inputs_ += st.inputs;
  normalise_to_images(out, images);
  return out;
}

nlohmann::json Predictor::describe() const {
  return nlohmann::json{{"model_name", detector_->family()},
                        {"model_size", detector_->model_size()},
                        {"labels", package_.labels},
                        {"settings", settings_.to_json()},
                        {"limits", {{"max_img_size", limits_.max_img_size}, {"max_tiles", limits_.max_tiles}}},
                        {"metrics", package_.metrics},
                        {"per_label_metrics", package_.per_label_metrics},
                        {"device", device_.str()},
                        {"max_batch", max_batch_}};
}

void write_untrained_package(const std::string& dir, const std::string& model_size, const std::vector<std::string>& labels,
                             int img_size, std::uint64_t seed, const nlohmann::json& settings) {
  models::DetectorConfig c;
  c.model_size = model_size;
  c.num_classes = int(labels.size());
  c.image_size = img_size;
  c.init_seed = seed;
  auto detector = models::build_detector("yolov5", c);
  const nlohmann::json arch = package_architecture(*detector);
  InferenceSettings s;
  s.img_size = img_size;
  s.model_size = detector->model_size();
  ModelPackage p;
  p.architecture = arch;
  p.labels = labels;
  p.settings = s.to_json();
  p.settings.update(settings);
  p.per_label_metrics = nlohmann::json::object();
  p.metrics = {{"untrained", true}};
  write_model_package(dir, p, [&](const std::string& path) {
    save_weights(path, detector->module(), {{"classes", labels}, {"architecture", arch}});
  });
}

std::unique_ptr<Scorer> load_predictor(const PredictorOptions& options) {
  if (is_onnx_model_file(options.package_dir))
    return std::make_unique<OnnxPredictor>(options);
  return std::make_unique<Predictor>(options, parse_device(options.device));
}

}  // namespace autodet
