#include "deploy/onnx_predictor.h"

#include <filesystem>

#include <fmt/format.h>
#include <opencv2/dnn.hpp>
#include <torch/torch.h>

#include "core/error.h"
#include "deploy/predictor.h"
#include "export/onnx_metadata.h"
#include "models/registry.h"
#include "package/image_detect.h"

namespace autodet {

struct OnnxPredictor::Runtime {
  cv::dnn::Net net;
};

bool is_onnx_model_file(const std::string& path) {
  const std::string ext = ".onnx";
  return path.size() > ext.size() && path.compare(path.size() - ext.size(), ext.size(), ext) == 0 &&
         std::filesystem::is_regular_file(path);
}

OnnxPredictor::OnnxPredictor(const PredictorOptions& o)
    : path_(o.package_dir), limits_(o.limits), max_batch_(o.max_batch), runtime_(std::make_unique<Runtime>()) {
  if (max_batch_ < 1) throw UsageError("the batch size must be at least 1");
  if (o.device != "cpu" && o.device != "auto")
    throw UsageError("an ONNX model runs on the CPU here (OpenCV DNN); use the model package for --device " + o.device);
  const OnnxFileInfo info = read_onnx_info(path_);
  if (info.input.contains("nms"))
    throw NotSupportedError(Location{path_, 0, "", ""},
                            "has NMS in its graph, which OpenCV DNN cannot run; export without --nms for predict and serve");
  model_ = info.model;
  metrics_ = info.metrics;
  labels_ = info.labels.get<std::vector<std::string>>();
  image_size_ = info.input.value("image_size", 0);
  input_0_255_ = info.input.value("range", "0-1") == "0-255";
  if (info.input.contains("batch") && info.input["batch"].is_number_integer()) fixed_batch_ = info.input["batch"].get<int>();
  if (fixed_batch_ > 0) max_batch_ = fixed_batch_;
  const std::string name = model_.value("model_name", "");
  if (!models::is_registered_detector(name))
    throw NotSupportedError(Location{path_, 0, "metadata", "autodet.model"}, "this autodet cannot run '" + name + "' models");
  if (image_size_ < 32) throw DataError(Location{path_, 0, "metadata", "autodet.input"}, "has no valid image_size");
  settings_ = resolve_settings(model_, info.settings, o.overrides, limits_, path_ + " (autodet.settings)");
  if (settings_.img_size != image_size_)
    throw UsageError(fmt::format("{}: the exported graph takes {}x{} inputs; img_size {} needs a new export", path_,
                                 image_size_, image_size_, settings_.img_size));
  decoder_ = models::build_detector_from(model_, int(labels_.size()));
  try {
    runtime_->net = cv::dnn::readNetFromONNX(path_);
  } catch (const cv::Exception& e) {
    throw DataError(Location{path_, 0, "", ""}, std::string("OpenCV DNN cannot load this graph: ") + e.what());
  }
  runtime_->net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
  if (o.warm_up) {
    InferenceSettings warm = settings_;
    warm.tile_grid.reset();
    score({cv::Mat(image_size_, image_size_, CV_8UC3, cv::Scalar::all(114))}, warm);
  }
}

OnnxPredictor::~OnnxPredictor() = default;

std::vector<torch::Tensor> OnnxPredictor::forward(const torch::Tensor& input, const models::DetectOptions& options) {
  const auto n = input.size(0);
  auto x = input.to(torch::kFloat);
  if (input_0_255_) x = x * 255.0;
  if (fixed_batch_ > 0 && n < fixed_batch_)  // a fixed-batch file: the batch padded with blank inputs
    x = torch::cat({x, torch::zeros({fixed_batch_ - n, x.size(1), x.size(2), x.size(3)}, x.options())}, 0);
  x = x.contiguous();
  const int sizes[4] = {int(x.size(0)), int(x.size(1)), int(x.size(2)), int(x.size(3))};
  cv::Mat blob(4, sizes, CV_32F, x.data_ptr<float>());
  runtime_->net.setInput(blob);
  cv::Mat out = runtime_->net.forward();
  std::vector<std::int64_t> shape;
  for (int i = 0; i < out.dims; ++i) shape.push_back(out.size[i]);
  auto y = torch::from_blob(out.ptr<float>(), shape, torch::kFloat).clone().slice(0, 0, n);
  return decoder_->detections_from_outputs({y}, image_size_, image_size_, options);
}

std::vector<ImageDetections> OnnxPredictor::score(const std::vector<cv::Mat>& images, const InferenceSettings& s) {
  if (s.img_size != image_size_)
    throw UsageError(fmt::format("the exported graph takes {}x{} inputs, not img_size {}", image_size_, image_size_, s.img_size));
  DetectionModel model;
  model.resize = decoder_->preprocess().resize;
  model.detect = [this](const torch::Tensor& x, const models::DetectOptions& o) { return forward(x, o); };
  ForwardStats st;
  std::vector<ImageDetections> out;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    out = detect_images(model, images, s, torch::kCPU, max_batch_, &st);
  }
  passes_ += st.passes;
  inputs_ += st.inputs;
  normalise_to_images(out, images);
  return out;
}

nlohmann::json OnnxPredictor::describe() const {
  return nlohmann::json{{"model_name", decoder_->family()},
                        {"model_size", decoder_->model_size()},
                        {"labels", labels_},
                        {"settings", settings_.to_json()},
                        {"limits", {{"max_img_size", limits_.max_img_size}, {"max_tiles", limits_.max_tiles}}},
                        {"metrics", metrics_},
                        {"runtime", "OpenCV DNN (ONNX)"},
                        {"file", path_},
                        {"device", "cpu"},
                        {"max_batch", max_batch_}};
}

}  // namespace autodet
