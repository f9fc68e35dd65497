#include "deploy/batch_predict.h"

#include <atomic>
#include <chrono>
#include <thread>

#include "core/error.h"
#include "core/fs.h"
#include "core/log.h"
#include "deploy/bounded_queue.h"
#include "deploy/detections_json.h"
#include "deploy/draw_detections.h"

namespace autodet {
namespace {

struct Decoded {
  std::size_t index = 0;
  cv::Mat image;
  std::string error;  // non-empty: the image could not be read
};

struct Scored {
  std::size_t index = 0;
  cv::Mat image;  // kept only when pictures are drawn
  ImageDetections detections;
};

// Joins a thread on every way out of the caller, closing its queue first so it cannot block.
template <typename T>
struct StageGuard {
  BoundedQueue<T>& queue;
  std::thread& thread;
  ~StageGuard() {
    queue.close();
    if (thread.joinable()) thread.join();
  }
};

}  // namespace

std::string picture_path(const std::string& draw_dir, const PredictInput& input, const std::string& draw_format) {
  std::string ext = draw_format;
  if (ext.empty()) {
    const std::string own = extension(input.draw_name);
    ext = own == "png" || own == "jpg" || own == "jpeg" ? own : "jpg";
  }
  const std::string dir = parent_dir(input.draw_name);
  const std::string name = stem(input.draw_name) + "." + ext;
  return join_path(draw_dir, dir == "." ? name : join_path(dir, name));
}

BatchPredictSummary predict_images(Scorer& scorer, const std::vector<PredictInput>& inputs, const InferenceSettings& settings,
                                   const BatchPredictOptions& o, const std::function<void(const std::string&)>& write_line) {
  if (o.batch < 1) throw UsageError(Location{"", 0, "", "--batch"}, "must be at least 1");
  const auto t0 = std::chrono::steady_clock::now();
  const bool draw = !o.draw_dir.empty();
  BatchPredictSummary sum;
  std::atomic<std::size_t> failed{0}, boxes{0};

  BoundedQueue<Decoded> decoded(std::size_t(2 * o.batch));
  std::thread decoder([&] {
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      Decoded d;
      d.index = i;
      try {
        d.image = decode_image(inputs[i].path, o.max_image_pixels);
      } catch (const std::exception& e) {
        d.error = e.what();
      }
      if (!decoded.push(std::move(d))) return;
    }
    decoded.close();
  });
  StageGuard<Decoded> decoder_guard{decoded, decoder};

  BoundedQueue<Scored> scored(std::size_t(2 * o.batch));
  auto write_one = [&](const Scored& s) {
    const PredictInput& in = inputs[s.index];
    write_line(prediction_line(in.filename, s.detections, scorer.labels()));
    boxes += s.detections.size();
    if (!draw) return;
    const std::string path = picture_path(o.draw_dir, in, o.draw_format);
    try {
      make_dirs(parent_dir(path));
      write_image(path, draw_detections(s.image, s.detections, scorer.labels()));
    } catch (const std::exception& e) {
      log::error("{}: cannot write its picture: {}", in.path, e.what());
      ++failed;
    }
  };
  std::exception_ptr writer_error;
  std::thread writer([&] {
    try {
      while (auto s = scored.pop()) write_one(*s);
    } catch (...) {
      writer_error = std::current_exception();
      scored.close();  // the model thread's next push fails instead of waiting
    }
  });
  StageGuard<Scored> writer_guard{scored, writer};

  std::vector<Decoded> batch;
  auto run_batch = [&] {
    if (batch.empty()) return;
    std::vector<cv::Mat> images;
    for (auto& d : batch) images.push_back(d.image);
    auto dets = scorer.score(images, settings);
    for (std::size_t i = 0; i < batch.size(); ++i)
      scored.push(Scored{batch[i].index, draw ? batch[i].image : cv::Mat(), std::move(dets[i])});
    sum.images += batch.size();
    batch.clear();
  };
  while (auto d = decoded.pop()) {
    if (!d->error.empty()) {
      log::error("{}", d->error);  // decode errors name the file
      ++failed;
      continue;
    }
    batch.push_back(std::move(*d));
    if (batch.size() == std::size_t(o.batch)) run_batch();
  }
  run_batch();
  scored.close();
  writer.join();
  if (writer_error) std::rethrow_exception(writer_error);

  sum.failed = failed;
  sum.boxes = boxes;
  sum.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return sum;
}

}  // namespace autodet
