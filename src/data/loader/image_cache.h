#pragma once
// A thread-safe least-recently-used cache of decoded images, bounded by bytes, shared by the
// loader's workers so epochs after the first skip decoding (and the first resize).
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <unordered_map>

#include <opencv2/core.hpp>

namespace autodet {

// A decoded (possibly already shrunk) image and the size of the file's image.
struct CachedImage {
  cv::Mat image;  // BGR
  int orig_width = 0, orig_height = 0;
};

struct ImageCacheStats {
  std::uint64_t hits = 0, misses = 0;
  std::int64_t bytes = 0;
  std::size_t entries = 0;
};

class ImageCache {
 public:
  explicit ImageCache(std::int64_t capacity_bytes) : capacity_(capacity_bytes) {}
  // The entry for key (now the most recent), or null.
  std::shared_ptr<const CachedImage> get(std::size_t key);
  // Inserts or replaces; evicts the least recently used entries beyond the capacity. An entry
  // larger than the whole capacity is not kept.
  void put(std::size_t key, std::shared_ptr<const CachedImage> value);
  ImageCacheStats stats() const;

 private:
  struct Entry {
    std::size_t key;
    std::shared_ptr<const CachedImage> value;
    std::int64_t bytes;
  };
  std::int64_t capacity_;
  mutable std::mutex mutex_;
  std::list<Entry> lru_;  // front = most recent
  std::unordered_map<std::size_t, std::list<Entry>::iterator> index_;
  ImageCacheStats stats_;
};

}  // namespace autodet
