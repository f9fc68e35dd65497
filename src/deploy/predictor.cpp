#include "deploy/predictor.h"

#include <algorithm>

#include <ATen/Parallel.h>
#include <opencv2/imgproc.hpp>
#include <torch/torch.h>

#include "core/error.h"
#include "core/fs.h"
#include "data/augment/letterbox.h"
#include "deploy/tiling.h"
#include "models/device.h"
#include "models/yolo/postprocess.h"
#include "train/checkpoint.h"

namespace autodet {
namespace {

// One letterboxed input: an image or one of its tiles.
struct View {
  std::size_t image = 0;
  int tile = 0;  // 0: the whole image
  cv::Rect rect;
};

cv::Mat as_bgr(const cv::Mat& m) {
  if (m.empty()) throw UsageError("an image with no pixels cannot be scored");
  if (m.type() == CV_8UC3) return m;
  cv::Mat out;
  if (m.type() == CV_8UC1) cv::cvtColor(m, out, cv::COLOR_GRAY2BGR);
  else if (m.type() == CV_8UC4) cv::cvtColor(m, out, cv::COLOR_BGRA2BGR);
  else throw UsageError("images must be 8-bit gray, BGR or BGRA");
  return out;
}

std::vector<View> views_of(const std::vector<cv::Mat>& images, const InferenceSettings& s) {
  std::vector<View> views;
  for (std::size_t i = 0; i < images.size(); ++i) {
    views.push_back(View{i, 0, cv::Rect(0, 0, images[i].cols, images[i].rows)});
    if (!s.tile_grid) continue;
    const auto tiles = tile_rects(images[i].cols, images[i].rows, *s.tile_grid, s.tile_overlap_ratio);
    for (std::size_t t = 0; t < tiles.size(); ++t)
      views.push_back(View{i, int(t + 1), cv::Rect(tiles[t].x0, tiles[t].y0, tiles[t].x1 - tiles[t].x0, tiles[t].y1 - tiles[t].y0)});
  }
  return views;
}

// Letterboxes views[first, first + n) into a (n, size, size, 3) RGB uint8 tensor, in parallel.
torch::Tensor letterbox_views(const std::vector<cv::Mat>& images, const std::vector<View>& views, std::size_t first,
                              std::int64_t n, int size, std::vector<LetterboxInfo>& info) {
  auto input = torch::empty({n, size, size, 3}, torch::kUInt8);
  std::uint8_t* base = input.data_ptr<std::uint8_t>();
  info.assign(std::size_t(n), LetterboxInfo{});
  at::parallel_for(0, n, 1, [&](std::int64_t b0, std::int64_t b1) {
    for (std::int64_t b = b0; b < b1; ++b) {
      const View& v = views[first + std::size_t(b)];
      cv::Mat boxed = letterbox(images[v.image](v.rect), size, &info[std::size_t(b)]);
      cv::Mat dst(size, size, CV_8UC3, base + b * std::int64_t(size) * size * 3);
      cv::cvtColor(boxed, dst, cv::COLOR_BGR2RGB);
    }
  });
  return input;
}

}  // namespace

std::vector<ImageDetections> detect_yolo(models::YoloV5& model, const std::vector<cv::Mat>& raw_images,
                                         const InferenceSettings& s, const torch::Device& device, int max_batch,
                                         ForwardStats* stats) {
  if (max_batch < 1) throw UsageError("the batch size must be at least 1");
  std::vector<cv::Mat> images;
  images.reserve(raw_images.size());
  for (const auto& m : raw_images) images.push_back(as_bgr(m));
  const std::vector<View> views = views_of(images, s);
  models::YoloNmsOptions nms;
  nms.score_threshold = s.box_score_thresh;
  nms.iou_threshold = s.nms_iou_thresh;
  nms.max_detections = s.box_detections_per_img;

  c10::InferenceMode inference;
  std::vector<std::vector<TileDetection>> found(images.size());
  std::vector<LetterboxInfo> info;
  for (std::size_t first = 0; first < views.size(); first += std::size_t(max_batch)) {
    const auto n = std::int64_t(std::min(views.size() - first, std::size_t(max_batch)));
    auto input = letterbox_views(images, views, first, n, s.img_size, info);
    // NHWC bytes viewed as NCHW: channels-last strides, the layout the convolutions run in.
    auto x = input.to(device).permute({0, 3, 1, 2}).to(torch::kFloat).div_(255.0);
    auto dets = models::yolo_non_max_suppression(model->predict(x), nms);
    if (stats) {
      stats->passes += 1;
      stats->inputs += n;
    }
    for (std::int64_t b = 0; b < n; ++b) {
      const View& v = views[first + std::size_t(b)];
      auto d = dets[std::size_t(b)].to(torch::kCPU).to(torch::kDouble).contiguous();
      const double* p = d.data_ptr<double>();
      for (std::int64_t k = 0; k < d.size(0); ++k, p += 6) {
        const LabeledBox o = info[std::size_t(b)].to_original(LabeledBox{p[0], p[1], p[2], p[3], int(p[5])});
        Detection det;
        det.x0 = v.rect.x + std::clamp(o.x0, 0.0, double(v.rect.width));
        det.x1 = v.rect.x + std::clamp(o.x1, 0.0, double(v.rect.width));
        det.y0 = v.rect.y + std::clamp(o.y0, 0.0, double(v.rect.height));
        det.y1 = v.rect.y + std::clamp(o.y1, 0.0, double(v.rect.height));
        det.cls = o.cls;
        det.score = p[4];
        if (det.x1 > det.x0 && det.y1 > det.y0) found[v.image].push_back(TileDetection{det, v.tile});
      }
    }
  }
  std::vector<ImageDetections> out(images.size());
  for (std::size_t i = 0; i < images.size(); ++i) {
    // Without tiling every box comes from tile 0, so merging only sorts them.
    out[i] = merge_tile_detections(std::move(found[i]), s.tile_predictions_nms_thresh);
    if (out[i].size() > std::size_t(s.box_detections_per_img)) out[i].resize(std::size_t(s.box_detections_per_img));
  }
  return out;
}

Predictor::Predictor(const PredictorOptions& o, const torch::Device& device)
    : dir_(o.package_dir), package_(read_model_package(o.package_dir)), limits_(o.limits), max_batch_(o.max_batch),
      device_(device) {
  if (max_batch_ < 1) throw UsageError("the batch size must be at least 1");
  const std::string model_json = join_path(dir_, "model.json");
  const auto& arch = package_.architecture;
  const std::string name = arch.value("model_name", "");
  if (name != "yolov5")
    throw NotSupportedError(Location{model_json, 0, "", "model_name"},
                            "prediction supports yolov5 packages only, not '" + name + "'");
  const int num_classes = arch.value("num_classes", int(package_.labels.size()));
  if (num_classes != int(package_.labels.size()) || num_classes < 1)
    throw DataError(Location{model_json, 0, "", "num_classes"},
                    "says " + std::to_string(num_classes) + " classes but labels.json lists " +
                        std::to_string(package_.labels.size()));
  InferenceSettings defaults;
  defaults.img_size = arch.value("image_size", defaults.img_size);
  defaults.model_size = arch.value("model_size", "");
  try {
    // settings.json may hold keys of other model families; a value of a known key must be valid.
    settings_ = apply_settings(defaults, package_.settings, SettingsLimits{}, /*strict=*/false);
  } catch (const UsageError& e) {
    throw DataError(Location{join_path(dir_, "settings.json"), 0, "", ""}, e.what());
  }
  settings_ = apply_settings(settings_, o.overrides, limits_, /*strict=*/true);

  handle_ = models::build_detector(name, defaults.model_size, num_classes);
  model_ = handle_.yolov5();
  load_weights(join_path(dir_, "model.pt"), *handle_.module, torch::kCPU);
  model_->to(device_);
  model_->eval();
  model_->use_channels_last();
  if (o.warm_up) {
    InferenceSettings warm = settings_;
    warm.tile_grid.reset();
    detect_yolo(model_, {cv::Mat(settings_.img_size, settings_.img_size, CV_8UC3, cv::Scalar::all(kPadValue))}, warm,
                device_, 1);
  }
}

std::vector<ImageDetections> Predictor::score(const std::vector<cv::Mat>& images, const InferenceSettings& s) {
  ForwardStats st;
  std::vector<ImageDetections> out;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    out = detect_yolo(model_, images, s, device_, max_batch_, &st);
  }
  passes_ += st.passes;
  inputs_ += st.inputs;
  for (std::size_t i = 0; i < images.size(); ++i) {
    const double w = images[i].cols, h = images[i].rows;
    for (auto& d : out[i]) {
      d.x0 /= w;
      d.x1 /= w;
      d.y0 /= h;
      d.y1 /= h;
    }
  }
  return out;
}

nlohmann::json Predictor::describe() const {
  return nlohmann::json{{"model_name", handle_.model_name},
                        {"model_size", handle_.model_size},
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
  auto handle = models::build_detector("yolov5", model_size, int(labels.size()), seed);
  const nlohmann::json arch{{"model_name", "yolov5"}, {"model_size", handle.model_size}, {"num_classes", labels.size()},
                            {"image_size", img_size}, {"anchors", handle.yolov5()->anchors_pixels()}};
  InferenceSettings s;
  s.img_size = img_size;
  s.model_size = handle.model_size;
  ModelPackage p;
  p.architecture = arch;
  p.labels = labels;
  p.settings = s.to_json();
  p.settings.update(settings);
  p.per_label_metrics = nlohmann::json::object();
  p.metrics = {{"untrained", true}};
  write_model_package(dir, p, [&](const std::string& path) {
    save_weights(path, *handle.module, {{"classes", labels}, {"architecture", arch}});
  });
}

std::unique_ptr<Scorer> load_predictor(const PredictorOptions& options) {
  return std::make_unique<Predictor>(options, parse_device(options.device));
}

}  // namespace autodet
