#pragma once
// Runs a YOLOv5 model package on decoded images (spec §7.5): every image, and with tiling every
// tile (§8.2), is letterboxed to img_size; they go through the model in batches of the same size;
// boxes are NMS'd per image or tile, mapped back through the letterbox, and tiles are merged.
#include <atomic>
#include <cstdint>
#include <mutex>

#include <torch/types.h>

#include "deploy/model_package.h"
#include "deploy/scorer.h"
#include "models/registry.h"

namespace autodet {

// How many forward passes ran, on how many letterboxed inputs (images plus tiles).
struct ForwardStats {
  std::int64_t passes = 0;
  std::int64_t inputs = 0;
};

// Detections of `model` on each image (8-bit BGR, gray or BGRA), in pixels of that image, by
// decreasing score. At most max_batch inputs go through the model at once. The model must be in
// eval mode on `device`. Validation can call this for tiled evaluation with its own model.
std::vector<ImageDetections> detect_yolo(models::YoloV5& model, const std::vector<cv::Mat>& images,
                                         const InferenceSettings& settings, const torch::Device& device,
                                         int max_batch, ForwardStats* stats = nullptr);

// Writes the package of a freshly initialised YOLOv5 (weights drawn from `seed`): the serving path
// end to end without a training run (smoke tests, benchmarks). settings go over the defaults.
void write_untrained_package(const std::string& dir, const std::string& model_size, const std::vector<std::string>& labels,
                             int img_size, std::uint64_t seed, const nlohmann::json& settings = nlohmann::json::object());

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
  models::YoloV5& model() { return model_; }

 private:
  std::string dir_;
  ModelPackage package_;
  InferenceSettings settings_;
  SettingsLimits limits_;
  int max_batch_;
  torch::Device device_;
  models::DetectorHandle handle_;
  models::YoloV5 model_{nullptr};
  std::mutex mutex_;  // one forward at a time
  std::atomic<std::int64_t> passes_{0}, inputs_{0};
};

}  // namespace autodet
