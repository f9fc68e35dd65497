#pragma once
// An exported ONNX file as a Scorer: OpenCV DNN runs the graph, and the family's own decoding
// turns its outputs into detections, with the labels and settings the file's metadata carries.
// The same images, tiling and settings give the same answers as the package it came from.
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "deploy/scorer.h"
#include "models/detector.h"

namespace autodet {

// True when `path` names an existing file ending in ".onnx".
bool is_onnx_model_file(const std::string& path);

class OnnxPredictor : public Scorer {
 public:
  // options.package_dir is the .onnx file; options.device must be cpu or auto.
  explicit OnnxPredictor(const PredictorOptions& options);
  ~OnnxPredictor() override;

  std::vector<ImageDetections> score(const std::vector<cv::Mat>& images, const InferenceSettings& settings) override;
  const std::vector<std::string>& labels() const override { return labels_; }
  const InferenceSettings& settings() const override { return settings_; }
  const SettingsLimits& limits() const override { return limits_; }
  nlohmann::json describe() const override;

 private:
  std::vector<torch::Tensor> forward(const torch::Tensor& x, const models::DetectOptions& options);

  std::string path_;
  std::vector<std::string> labels_;
  InferenceSettings settings_;
  SettingsLimits limits_;
  int max_batch_ = 16;
  int fixed_batch_ = 0;  // 0: the file takes any batch size
  int image_size_ = 0;
  bool input_0_255_ = false;
  nlohmann::json model_, metrics_;
  std::unique_ptr<models::Detector> decoder_;  // the family's post-processing (its weights unused)
  struct Runtime;  // the OpenCV DNN network
  std::unique_ptr<Runtime> runtime_;
  std::mutex mutex_;
  std::atomic<std::int64_t> passes_{0}, inputs_{0};
};

}  // namespace autodet
