#pragma once
// The scoring interface the batch-prediction pipeline and the HTTP server run on: decoded images
// in, detections in normalized coordinates of each original image out. deploy/predictor implements
// it with a model package; nothing here needs libtorch.
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

#include "package/detection.h"
#include "package/inference_settings.h"

namespace autodet {

class Scorer {
 public:
  virtual ~Scorer() = default;
  // images: 8-bit BGR. Returns, per image, detections with corners normalized by that image's
  // width and height, by decreasing score. Safe to call from several threads (calls are serialised).
  virtual std::vector<ImageDetections> score(const std::vector<cv::Mat>& images, const InferenceSettings& settings) = 0;
  // Class names, index = Detection::cls.
  virtual const std::vector<std::string>& labels() const = 0;
  // The settings used when a call overrides nothing (settings.json plus load-time overrides).
  virtual const InferenceSettings& settings() const = 0;
  // Bounds on per-call overrides.
  virtual const SettingsLimits& limits() const = 0;
  // What the model is: name, size, labels, settings, metrics, device (GET /v1/model).
  virtual nlohmann::json describe() const = 0;
};

// How to load a model package as a Scorer.
struct PredictorOptions {
  std::string package_dir;  // a package folder, or an ONNX file written by `autodet export`
  std::string device = "cpu";                           // cpu, cuda, cuda:N, auto
  nlohmann::json overrides = nlohmann::json::object();  // applied over settings.json
  SettingsLimits limits;
  int max_batch = 16;   // images (image + tiles) per forward pass
  bool warm_up = true;  // run one forward pass while loading, so the first call is not slow
};

// Loads the package (model.json, labels.json, settings.json, model.pt). Throws Error naming the
// file or the setting at fault.
std::unique_ptr<Scorer> load_predictor(const PredictorOptions& options);

}  // namespace autodet
