#include "data/loader/image_cache.h"

namespace autodet {

std::shared_ptr<const CachedImage> ImageCache::get(std::size_t key) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = index_.find(key);
  if (it == index_.end()) {
    ++stats_.misses;
    return nullptr;
  }
  ++stats_.hits;
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->value;
}

void ImageCache::put(std::size_t key, std::shared_ptr<const CachedImage> value) {
  const std::int64_t bytes = std::int64_t(value->image.total() * value->image.elemSize()) + std::int64_t(sizeof(CachedImage));
  if (bytes > capacity_) return;
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = index_.find(key);
  if (it != index_.end()) {
    stats_.bytes -= it->second->bytes;
    lru_.erase(it->second);
    index_.erase(it);
  }
  lru_.push_front(Entry{key, std::move(value), bytes});
  index_[key] = lru_.begin();
  stats_.bytes += bytes;
  while (stats_.bytes > capacity_) {
    stats_.bytes -= lru_.back().bytes;
    index_.erase(lru_.back().key);
    lru_.pop_back();
  }
  stats_.entries = lru_.size();
}

ImageCacheStats ImageCache::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return stats_;
}

}  // namespace autodet
