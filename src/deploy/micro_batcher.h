#pragma once
// Dynamic micro-batching for the server: concurrent requests queue their images; one thread
// gathers queued requests that share the same settings, up to max_batch images or until the
// oldest has waited max_wait_ms, and scores them in one call, so served throughput approaches
// the model's batched throughput. The queue is bounded: a request that does not fit is refused
// at once (the server answers 503) instead of waiting without limit.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "deploy/scorer.h"

namespace autodet {

struct BatcherOptions {
  int max_batch = 8;          // images per scorer call (a larger request is scored alone)
  int max_wait_ms = 5;        // how long the oldest request may wait for others to join it
  int max_queue_images = 64;  // images waiting, at most (an empty queue takes any request)
};

// One request's place in the queue.
class BatchTicket {
 public:
  // Waits up to `timeout` for the detections (one per image); nothing on timeout, after which the
  // request is dropped from the queue if it was not taken yet. Rethrows the scorer's error.
  std::optional<std::vector<ImageDetections>> wait(std::chrono::milliseconds timeout);

 private:
  friend class MicroBatcher;
  std::vector<cv::Mat> images;
  InferenceSettings settings;
  std::chrono::steady_clock::time_point queued_at;
  std::promise<std::vector<ImageDetections>> promise;
  std::future<std::vector<ImageDetections>> future;
  bool cancelled = false;  // guarded by the batcher's mutex
  class MicroBatcher* owner = nullptr;
};

class MicroBatcher {
 public:
  MicroBatcher(Scorer& scorer, BatcherOptions options);
  ~MicroBatcher();  // stop()
  MicroBatcher(const MicroBatcher&) = delete;
  MicroBatcher& operator=(const MicroBatcher&) = delete;

  // Queues the images; null when the queue is full (or stopped).
  std::shared_ptr<BatchTicket> submit(std::vector<cv::Mat> images, const InferenceSettings& settings);
  // True when `images` more would not fit now (checked before a request body is read); such a
  // request counts as refused.
  bool refuses(std::size_t images = 1);
  // Scores what is queued, then ends the thread. Later submits are refused.
  void stop();

  struct Stats {
    std::int64_t batches = 0, images = 0, refused = 0;
    std::size_t queued_images = 0;
  };
  Stats stats() const;

 private:
  friend class BatchTicket;
  void run();
  void cancel(BatchTicket& ticket);
  std::vector<std::shared_ptr<BatchTicket>> take_batch(std::unique_lock<std::mutex>& lock);

  Scorer& scorer_;
  BatcherOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::shared_ptr<BatchTicket>> queue_;
  std::size_t queued_images_ = 0;
  bool stopping_ = false;
  Stats stats_;
  std::thread thread_;
};

}  // namespace autodet
