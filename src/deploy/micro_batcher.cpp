#include "deploy/micro_batcher.h"

#include <algorithm>

#include "core/error.h"

namespace autodet {

std::optional<std::vector<ImageDetections>> BatchTicket::wait(std::chrono::milliseconds timeout) {
  if (future.wait_for(timeout) != std::future_status::ready) {
    owner->cancel(*this);
    return std::nullopt;
  }
  return future.get();
}

MicroBatcher::MicroBatcher(Scorer& scorer, BatcherOptions options) : scorer_(scorer), options_(options) {
  if (options_.max_batch < 1) throw UsageError(Location{"", 0, "", "max_batch"}, "must be at least 1");
  if (options_.max_wait_ms < 0) throw UsageError(Location{"", 0, "", "max_wait_ms"}, "must not be negative");
  if (options_.max_queue_images < 1) throw UsageError(Location{"", 0, "", "max_queue"}, "must be at least 1");
  thread_ = std::thread([this] { run(); });
}

MicroBatcher::~MicroBatcher() { stop(); }

bool MicroBatcher::refuses(std::size_t images) {
  std::lock_guard<std::mutex> lock(mutex_);
  const bool full = stopping_ || (!queue_.empty() && queued_images_ + images > std::size_t(options_.max_queue_images));
  if (full) ++stats_.refused;
  return full;
}

std::shared_ptr<BatchTicket> MicroBatcher::submit(std::vector<cv::Mat> images, const InferenceSettings& settings) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (stopping_ || (!queue_.empty() && queued_images_ + images.size() > std::size_t(options_.max_queue_images))) {
    ++stats_.refused;
    return nullptr;
  }
  auto t = std::make_shared<BatchTicket>();
  t->images = std::move(images);
  t->settings = settings;
  t->queued_at = std::chrono::steady_clock::now();
  t->future = t->promise.get_future();
  t->owner = this;
  queued_images_ += t->images.size();
  queue_.push_back(t);
  wake_.notify_one();
  return t;
}

void MicroBatcher::cancel(BatchTicket& ticket) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = std::find_if(queue_.begin(), queue_.end(), [&](const auto& t) { return t.get() == &ticket; });
  if (it == queue_.end()) return;  // already being scored
  ticket.cancelled = true;
  queued_images_ -= ticket.images.size();
  queue_.erase(it);
}

void MicroBatcher::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    wake_.notify_all();
  }
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

MicroBatcher::Stats MicroBatcher::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  Stats s = stats_;
  s.queued_images = queued_images_;
  return s;
}

std::vector<std::shared_ptr<BatchTicket>> MicroBatcher::take_batch(std::unique_lock<std::mutex>&) {
  std::vector<std::shared_ptr<BatchTicket>> batch;
  const InferenceSettings settings = queue_.front()->settings;
  std::size_t images = 0;
  for (auto it = queue_.begin(); it != queue_.end();) {
    const std::size_t n = (*it)->images.size();
    if ((*it)->settings == settings && (batch.empty() || images + n <= std::size_t(options_.max_batch))) {
      images += n;
      batch.push_back(*it);
      it = queue_.erase(it);
      if (images >= std::size_t(options_.max_batch)) break;
    } else {
      ++it;
    }
  }
  queued_images_ -= images;
  return batch;
}

void MicroBatcher::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and nothing left
    // Let others join the oldest request until a batch is full or it has waited long enough.
    for (;;) {
      if (queue_.empty() || stopping_) break;
      const auto& first = queue_.front();
      std::size_t matching = 0;
      for (const auto& t : queue_)
        if (t->settings == first->settings) matching += t->images.size();
      const auto deadline = first->queued_at + std::chrono::milliseconds(options_.max_wait_ms);
      if (matching >= std::size_t(options_.max_batch) || std::chrono::steady_clock::now() >= deadline) break;
      wake_.wait_until(lock, deadline);
    }
    if (queue_.empty()) continue;
    auto batch = take_batch(lock);
    lock.unlock();

    std::vector<cv::Mat> images;
    for (const auto& t : batch) images.insert(images.end(), t->images.begin(), t->images.end());
    std::vector<ImageDetections> dets;
    std::exception_ptr error;
    try {
      dets = scorer_.score(images, batch.front()->settings);
      if (dets.size() != images.size()) throw Error("the scorer returned a result count different from the image count");
    } catch (...) {
      error = std::current_exception();
    }
    std::size_t at = 0;
    for (const auto& t : batch) {
      if (error) {
        t->promise.set_exception(error);
        continue;
      }
      std::vector<ImageDetections> mine(std::make_move_iterator(dets.begin() + long(at)),
                                        std::make_move_iterator(dets.begin() + long(at + t->images.size())));
      at += t->images.size();
      t->promise.set_value(std::move(mine));
    }
    for (auto& t : batch) t->images.clear();  // free the pixels now, not when the last reference goes

    lock.lock();
    stats_.batches += 1;
    stats_.images += std::int64_t(images.size());
  }
}

}  // namespace autodet
