#pragma once
// A model package of any family loaded for scoring: the detector its model.json describes, its
// weights and settings; scoring goes through package/image_detect (preprocessing, batches,
// tiling).
#include <atomic>
#include <cstdint>
#include <mutex>

#include <torch/types.h>

#include "package/image_detect.h"
#include "package/model_package.h"
#include "deploy/scorer.h"
#include "models/registry.h"

namespace autodet {

// Writes the package of a freshly initialised YOLOv5 (weights drawn from `seed`): the serving path
// end to end without a training run (smoke tests, benchmarks). settings go over the defaults.
void write_untrained_package(const std::string& dir, const std::string& model_size, const std::vector<std::string>& labels,
                             int img_size, std::uint64_t seed, const nlohmann::json& settings = nlohmann::json::object());

// The inference settings of a model: its architecture's defaults (image size, model size), then
// its settings.json (keys of other families ignored; a bad value is a DataError naming
// settings_source), then the caller's overrides (strict, within limits).
InferenceSettings resolve_settings(const nlohmann::json& architecture, const nlohmann::json& settings,
                                   const nlohmann::json& overrides, const SettingsLimits& limits,
                                   const std::string& settings_source);
// Divides each image's detection corners by its width and height (the scoring schema's form).
void normalise_to_images(std::vector<ImageDetections>& detections, const std::vector<cv::Mat>& images);

// A loaded model package as a Scorer.
class Predictor : public Scorer {
 public:
  Predictor(const PredictorOptions& options, const torch::Device& device);

  std::vector<ImageDetections> score(const std::vector<cv::Mat>& images, const InferenceSettings& settings) override;
  // score() with the package's settings.
  std::vector<ImageDetections> predict(const std::vector<cv::Mat>& images) { return score(images, settings_); }

  const std::vector<std::string>& labels() const override { return package_.labels; }
  const InferenceSettings& settings() const override { return settings_; }
  const SettingsLimits& limits() const override { return limits_; }
  nlohmann::json describe() const override;

  ForwardStats stats() const { return ForwardStats{passes_.load(), inputs_.load()}; }
  const torch::Device& device() const { return device_; }
  models::Detector& detector() { return *detector_; }

 private:
  std::string dir_;
  ModelPackage package_;
  InferenceSettings settings_;
  SettingsLimits limits_;
  int max_batch_;
  torch::Device device_;
  std::unique_ptr<models::Detector> detector_;
  std::mutex mutex_;  // one forward at a time
  std::atomic<std::int64_t> passes_{0}, inputs_{0};
};

}  // namespace autodet
