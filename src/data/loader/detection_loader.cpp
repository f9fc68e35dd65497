#include "data/loader/detection_loader.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <limits>
#include <map>
#include <mutex>
#include <thread>

#include "core/error.h"
#include "core/rng.h"
#include "data/loader/epoch_plan.h"
#include "data/loader/image_source.h"
#include "data/loader/sample_pipeline.h"

namespace autodet {
namespace {

constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();

// A batch being filled. Workers write disjoint parts of `batch` without the lock; the consumer
// takes it only when no worker is inside (pending == 0).
struct Slot {
  Batch batch;
  std::vector<LabeledBoxes> boxes;  // per position in the batch
  int filled = 0;                   // samples finished
  int pending = 0;                  // samples taken and not finished
  std::exception_ptr error;         // of the lowest failed position
  int error_position = std::numeric_limits<int>::max();
};

// Rows [position, class, cx, cy, w, h] normalized to the batch's size.
void append_targets(const LabeledBoxes& boxes, int position, int width, int height, std::vector<float>& out) {
  for (const LabeledBox& b : boxes) {
    const float row[6] = {float(position),
                          float(b.cls),
                          float((b.x0 + b.x1) / 2 / width),
                          float((b.y0 + b.y1) / 2 / height),
                          float(b.width() / width),
                          float(b.height() / height)};
    out.insert(out.end(), row, row + 6);
  }
}

}  // namespace

struct DetectionLoader::Impl {
  LoaderOptions opt;
  ImageSource source;
  int n_workers = 1;

  std::mutex mutex;
  std::condition_variable work_cv;   // workers: something to take, or stop
  std::condition_variable ready_cv;  // consumer and start_epoch: a sample finished
  bool stop = false;
  bool active = false;      // an epoch is running and workers may take samples
  bool started = false;     // start_epoch was called at least once
  int epoch = 0;
  EpochPlan plan;
  std::size_t next_sample = 0;      // next sample a worker takes
  std::size_t delivered = 0;        // next batch next() returns
  std::size_t failed_batch = kNone;  // lowest batch with a failed sample
  std::exception_ptr epoch_error;   // rethrown by next() once the failed batch is reached
  int in_flight = 0;                // samples being built, over all slots
  double wait_seconds = 0;          // time next() spent blocked
  std::map<std::size_t, Slot> slots;
  std::vector<std::thread> threads;

  Impl(const Dataset& dataset, const std::vector<std::string>& classes, const LoaderOptions& o)
      : opt(o),
        source(dataset, classes, o.max_image_pixels, o.cache_bytes,
               o.train && o.multi_scale ? multi_scale_max(o.image_size) : o.image_size, /*area_when_shrinking=*/!o.train,
               o.stretch) {}

  bool can_take() const {
    if (!active || next_sample >= plan.samples()) return false;
    const std::size_t b = plan.batch_of(next_sample);
    return b < failed_batch && b < delivered + std::size_t(opt.prefetch_batches);
  }

  Slot& open_slot(std::size_t b) {
    auto [it, fresh] = slots.try_emplace(b);
    Slot& slot = it->second;
    if (fresh) {
      const int n = plan.batch_count(b), dim = plan.batch_dims[b];
      slot.batch.size = n;
      slot.batch.height = slot.batch.width = dim;
      slot.batch.images.resize(std::size_t(n) * 3 * dim * dim);
      slot.batch.indices.resize(n);
      slot.batch.letterbox.resize(n);
      slot.boxes.resize(n);
    }
    return slot;
  }

  void worker() {
    std::unique_lock<std::mutex> lock(mutex);
    for (;;) {
      work_cv.wait(lock, [&] { return stop || can_take(); });
      if (stop) return;
      const std::size_t k = next_sample++;
      const std::size_t b = plan.batch_of(k);
      const int pos = int(k - b * std::size_t(plan.batch_size));
      Slot& slot = open_slot(b);
      const std::size_t index = plan.order[k];
      const int dim = plan.batch_dims[b];
      std::uint8_t* dst = slot.batch.images.data() + std::size_t(pos) * 3 * dim * dim;
      Rng rng(sample_seed(opt.seed, epoch, index));
      ++slot.pending;
      ++in_flight;
      lock.unlock();

      std::exception_ptr error;
      Sample sample;
      try {
        sample = make_sample(source, index, dim, opt, rng);
        write_chw_rgb(sample.image, dst);
      } catch (...) {
        error = std::current_exception();
      }

      lock.lock();
      --slot.pending;
      --in_flight;
      if (error) {
        if (pos < slot.error_position) slot.error = error, slot.error_position = pos;
        failed_batch = std::min(failed_batch, b);
      } else {
        slot.batch.indices[pos] = sample.index;
        slot.batch.letterbox[pos] = sample.letterbox;
        slot.boxes[pos] = std::move(sample.boxes);
        ++slot.filled;
      }
      ready_cv.notify_all();
    }
  }

  std::optional<Batch> next() {
    std::unique_lock<std::mutex> lock(mutex);
    if (!started) throw UsageError("DetectionLoader::next called before start_epoch");
    if (epoch_error) std::rethrow_exception(epoch_error);
    if (delivered >= plan.batches()) return std::nullopt;
    const std::size_t b = delivered;
    const int n = plan.batch_count(b);
    auto ready = [&] {
      auto it = slots.find(b);
      return it != slots.end() && it->second.pending == 0 && (it->second.error || it->second.filled == n);
    };
    if (!ready()) {
      const auto t0 = std::chrono::steady_clock::now();
      ready_cv.wait(lock, ready);
      wait_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }
    Slot slot = std::move(slots.at(b));
    slots.erase(b);
    if (slot.error) {
      epoch_error = slot.error;
      active = false;
      std::rethrow_exception(epoch_error);
    }
    ++delivered;
    work_cv.notify_all();  // the window moved
    lock.unlock();

    Batch batch = std::move(slot.batch);
    for (int pos = 0; pos < n; ++pos) append_targets(slot.boxes[pos], pos, batch.width, batch.height, batch.targets);
    return batch;
  }

  void start_epoch(int e) {
    std::unique_lock<std::mutex> lock(mutex);
    active = false;
    ready_cv.wait(lock, [&] { return in_flight == 0; });
    slots.clear();
    epoch = e;
    plan = make_epoch_plan(source.size(), opt, e);
    next_sample = 0;
    delivered = 0;
    failed_batch = kNone;
    epoch_error = nullptr;
    started = active = true;
    work_cv.notify_all();
  }

  void shutdown() {
    {
      std::lock_guard<std::mutex> lock(mutex);
      stop = true;
    }
    work_cv.notify_all();
    for (std::thread& t : threads) t.join();
    threads.clear();
  }
};

DetectionLoader::DetectionLoader(const Dataset& dataset, std::vector<std::string> classes, LoaderOptions options) {
  validate_loader_options(options);
  impl_ = std::make_unique<Impl>(dataset, classes, options);
  impl_->n_workers = options.workers > 0 ? options.workers : int(std::max(1u, std::thread::hardware_concurrency()));
  try {
    for (int t = 0; t < impl_->n_workers; ++t) impl_->threads.emplace_back([this] { impl_->worker(); });
  } catch (...) {
    impl_->shutdown();
    throw;
  }
}

DetectionLoader::~DetectionLoader() { impl_->shutdown(); }

void DetectionLoader::start_epoch(int epoch) { impl_->start_epoch(epoch); }
std::optional<Batch> DetectionLoader::next() { return impl_->next(); }
std::size_t DetectionLoader::batches_per_epoch() const { return batches_for(impl_->source.size(), impl_->opt); }
std::size_t DetectionLoader::images() const { return impl_->source.size(); }
int DetectionLoader::workers() const { return impl_->n_workers; }
const LoaderOptions& DetectionLoader::options() const { return impl_->opt; }
ImageCacheStats DetectionLoader::cache_stats() const { return impl_->source.cache_stats(); }

double DetectionLoader::wait_seconds() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->wait_seconds;
}

}  // namespace autodet
