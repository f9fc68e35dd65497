#include "package/image_detect.h"

#include <algorithm>

#include <ATen/Parallel.h>
#include <opencv2/imgproc.hpp>
#include <torch/torch.h>

#include "core/error.h"
#include "data/augment/letterbox.h"
#include "package/test_time_augmentation.h"
#include "package/tiling.h"

namespace autodet {
namespace {

// One model input: an image or one of its tiles.
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

// Prepares views[first, first + n) into a (n, size, size, 3) RGB uint8 tensor, in parallel.
// A copy mirrored left to right (the view shares its pixels with the caller's image).
cv::Mat mirrored(const cv::Mat& m) {
  cv::Mat out;
  cv::flip(m, out, 1);
  return out;
}

// flip: each view mirrored left to right first.
torch::Tensor prepare_views(const std::vector<cv::Mat>& images, const std::vector<View>& views, std::size_t first,
                            std::int64_t n, int size, bool flip, models::Preprocess::Resize resize,
                            std::vector<LetterboxInfo>& info) {
  if (resize == models::Preprocess::Resize::native) {
    // One view at its own size (n is 1): the network resizes it itself.
    const View& v = views[first];
    cv::Mat part = images[v.image](v.rect);
    if (flip) part = mirrored(part);
    info.assign(1, LetterboxInfo{part.cols, part.rows, 1.0, 1.0, 0.0, 0.0});
    auto input = torch::empty({1, part.rows, part.cols, 3}, torch::kUInt8);
    cv::Mat dst(part.rows, part.cols, CV_8UC3, input.data_ptr<std::uint8_t>());
    cv::cvtColor(part, dst, cv::COLOR_BGR2RGB);
    return input;
  }
  auto input = torch::empty({n, size, size, 3}, torch::kUInt8);
  std::uint8_t* base = input.data_ptr<std::uint8_t>();
  info.assign(std::size_t(n), LetterboxInfo{});
  at::parallel_for(0, n, 1, [&](std::int64_t b0, std::int64_t b1) {
    for (std::int64_t b = b0; b < b1; ++b) {
      const View& v = views[first + std::size_t(b)];
      cv::Mat part = images[v.image](v.rect);
      if (flip) part = mirrored(part);
      cv::Mat boxed = resize == models::Preprocess::Resize::stretch ? stretch_to_square(part, size, &info[std::size_t(b)])
                                                                    : letterbox(part, size, &info[std::size_t(b)]);
      cv::Mat dst(size, size, CV_8UC3, base + b * std::int64_t(size) * size * 3);
      cv::cvtColor(boxed, dst, cv::COLOR_BGR2RGB);
    }
  });
  return input;
}

}  // namespace

std::vector<ImageDetections> detect_images(models::Detector& detector, const std::vector<cv::Mat>& images,
                                           const InferenceSettings& s, const torch::Device& device, int max_batch,
                                           ForwardStats* stats) {
  DetectionModel model;
  model.resize = detector.preprocess().resize;
  model.detect = [&detector](const torch::Tensor& x, const models::DetectOptions& o) { return detector.detect(x, o).boxes; };
  return detect_images(model, images, s, device, max_batch, stats);
}

std::vector<ImageDetections> detect_images(const DetectionModel& model, const std::vector<cv::Mat>& raw_images,
                                           const InferenceSettings& s, const torch::Device& device, int max_batch,
                                           ForwardStats* stats) {
  if (max_batch < 1) throw UsageError("the batch size must be at least 1");
  std::vector<cv::Mat> images;
  images.reserve(raw_images.size());
  for (const auto& m : raw_images) images.push_back(as_bgr(m));
  const std::vector<View> views = views_of(images, s);
  models::DetectOptions options;
  options.score_threshold = s.box_score_thresh;
  options.iou_threshold = s.nms_iou_thresh;
  options.max_detections = s.box_detections_per_img;
  const models::Preprocess::Resize resize = model.resize;

  c10::InferenceMode inference;
  // Boxes per view, in pixels of its image, from every pass.
  std::vector<std::vector<Detection>> per_view(views.size());
  const auto passes = augmented_passes(s.test_time_augmentation, s.img_size, resize != models::Preprocess::Resize::native);
  std::vector<LetterboxInfo> info;
  // Native-size inputs differ in size, so they go one at a time.
  const std::size_t batch = resize == models::Preprocess::Resize::native ? 1 : std::size_t(max_batch);
  for (const AugmentedPass& pass : passes) {
    for (std::size_t first = 0; first < views.size(); first += batch) {
      const auto n = std::int64_t(std::min(views.size() - first, batch));
      auto input = prepare_views(images, views, first, n, pass.img_size, pass.flip, resize, info);
      // NHWC bytes viewed as NCHW: channels-last strides, the layout the convolutions run in.
      auto x = input.to(device).permute({0, 3, 1, 2}).to(torch::kFloat).div_(255.0);
      auto dets = model.detect(x, options);
      if (stats) {
        stats->passes += 1;
        stats->inputs += n;
      }
      for (std::int64_t b = 0; b < n; ++b) {
        const View& v = views[first + std::size_t(b)];
        auto d = dets[std::size_t(b)].to(torch::kCPU).to(torch::kDouble).contiguous();
        const double* p = d.data_ptr<double>();
        for (std::int64_t k = 0; k < d.size(0); ++k, p += 6) {
          LabeledBox o = info[std::size_t(b)].to_original(LabeledBox{p[0], p[1], p[2], p[3], int(p[5])});
          if (pass.flip) {  // back from the mirror: x -> width - x
            const double x0 = o.x0;
            o.x0 = v.rect.width - o.x1;
            o.x1 = v.rect.width - x0;
          }
          Detection det;
          det.x0 = v.rect.x + std::clamp(o.x0, 0.0, double(v.rect.width));
          det.x1 = v.rect.x + std::clamp(o.x1, 0.0, double(v.rect.width));
          det.y0 = v.rect.y + std::clamp(o.y0, 0.0, double(v.rect.height));
          det.y1 = v.rect.y + std::clamp(o.y1, 0.0, double(v.rect.height));
          det.cls = o.cls;
          det.score = p[4];
          if (det.x1 > det.x0 && det.y1 > det.y0) per_view[first + std::size_t(b)].push_back(det);
        }
      }
    }
  }
  std::vector<std::vector<TileDetection>> found(images.size());
  for (std::size_t i = 0; i < views.size(); ++i) {
    // With more than one pass, a view's boxes are fused first (weighted box fusion at the NMS IoU).
    ImageDetections boxes = passes.size() > 1 ? fuse_boxes(std::move(per_view[i]), int(passes.size()), s.nms_iou_thresh)
                                              : std::move(per_view[i]);
    if (boxes.size() > std::size_t(s.box_detections_per_img)) boxes.resize(std::size_t(s.box_detections_per_img));
    for (const Detection& d : boxes) found[views[i].image].push_back(TileDetection{d, views[i].tile});
  }
  std::vector<ImageDetections> out(images.size());
  for (std::size_t i = 0; i < images.size(); ++i) {
    // Without tiling every box comes from tile 0, so merging only sorts them.
    out[i] = merge_tile_detections(std::move(found[i]), s.tile_predictions_nms_thresh);
    if (out[i].size() > std::size_t(s.box_detections_per_img)) out[i].resize(std::size_t(s.box_detections_per_img));
  }
  return out;
}

}  // namespace autodet
