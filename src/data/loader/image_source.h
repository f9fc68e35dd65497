#pragma once
// The loader's view of a Dataset: per image its path and its training boxes as class indices,
// and `load`, which decodes (through the cache) and resizes so the long side has a given length.
#include <cstddef>
#include <memory>
#include <optional>
#include <mutex>
#include <string>
#include <unordered_set>
#include <vector>

#include <opencv2/core.hpp>

#include "data/augment/labeled_box.h"
#include "data/dataset.h"
#include "data/loader/image_cache.h"

namespace autodet {

// An image ready for augmenting: BGR resized so its long side is the requested length; boxes in
// its pixels. `image` is the caller's own (never shared with the cache).
struct LoadedImage {
  std::size_t index = 0;  // the dataset image it is: the one asked for, or the one in its place
  cv::Mat image;
  LabeledBoxes boxes;
  int orig_width = 0, orig_height = 0;
};

class ImageSource {
 public:
  // Throws DataError naming the image when its path is unresolved or a label is not in classes.
  // Crowd boxes are dropped (they are no training targets). A record with a crop is that part of
  // its file, cut out right after decoding (DataError when it is not inside the image). cache_long_side: images larger than
  // this are shrunk to it before they are cached; area_when_shrinking picks the interpolation.
  // stretch: images are wanted square, without keeping the aspect (FastestDet): each side is
  // shrunk to at most cache_long_side on its own before caching, and load() resizes both sides to
  // the size asked for, so the short side keeps its resolution (one resize, as prediction does).
  ImageSource(const Dataset& dataset, const std::vector<std::string>& classes, std::int64_t max_image_pixels,
              std::int64_t cache_bytes, int cache_long_side, bool area_when_shrinking, bool stretch = false);

  std::size_t size() const { return items_.size(); }
  const std::string& path(std::size_t index) const { return items_[index].path; }
  // Decodes, resizes (long side to long_side; with stretch both sides to it), scales the boxes. An image whose file cannot be decoded (changed since the
  // job checked it) is replaced by the next one in dataset order that can: the same one whatever
  // the thread or the timing, with one warning per broken file. DataError when none can.
  LoadedImage load(std::size_t index, int long_side) const;
  ImageCacheStats cache_stats() const { return cache_ ? cache_->stats() : ImageCacheStats{}; }

 private:
  struct Item {
    std::string path;
    LabeledBoxes boxes;  // pixels of the record's image (of its crop, when it has one)
    std::optional<ImageRecord::Crop> crop;
  };
  std::shared_ptr<const CachedImage> decoded(std::size_t index) const;
  // decoded(index), or of the first image after it that decodes; sets `used` to which.
  std::shared_ptr<const CachedImage> decoded_or_next(std::size_t index, std::size_t& used) const;
  bool known_broken(std::size_t index) const;

  std::vector<Item> items_;
  std::int64_t max_image_pixels_;
  int cache_long_side_;
  bool area_when_shrinking_;
  bool stretch_;
  std::unique_ptr<ImageCache> cache_;
  mutable std::mutex broken_mutex_;
  mutable std::unordered_set<std::size_t> broken_;  // images found undecodable while loading
};

}  // namespace autodet
