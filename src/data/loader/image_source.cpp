#include "data/loader/image_source.h"

#include <algorithm>
#include <unordered_map>

#include <opencv2/imgproc.hpp>

#include "core/error.h"
#include "core/image_io.h"
#include "core/log.h"
#include "data/decode_check.h"
#include "data/augment/letterbox.h"

namespace autodet {

ImageSource::ImageSource(const Dataset& dataset, const std::vector<std::string>& classes, std::int64_t max_image_pixels,
                         std::int64_t cache_bytes, int cache_long_side, bool area_when_shrinking, bool stretch)
    : max_image_pixels_(max_image_pixels),
      cache_long_side_(cache_long_side),
      area_when_shrinking_(area_when_shrinking),
      stretch_(stretch) {
  std::unordered_map<std::string, int> class_index;
  for (std::size_t k = 0; k < classes.size(); ++k) class_index.emplace(classes[k], int(k));
  items_.reserve(dataset.images.size());
  for (const ImageRecord& rec : dataset.images) {
    const Location where{rec.source.file, rec.source.line, rec.source.element.empty() ? rec.url : rec.source.element, ""};
    if (rec.path.empty()) throw DataError(where, "image '" + rec.url + "' could not be resolved to a local file");
    Item item{rec.path, {}, rec.crop};
    for (const Box& b : rec.boxes) {
      auto it = class_index.find(b.label);
      if (it == class_index.end()) throw DataError(where, "label '" + b.label + "' is not in the class list");
      if (!b.crowd) item.boxes.push_back(LabeledBox{b.x0, b.y0, b.x1, b.y1, it->second});
    }
    items_.push_back(std::move(item));
  }
  if (cache_bytes > 0) cache_ = std::make_unique<ImageCache>(cache_bytes);
}

std::shared_ptr<const CachedImage> ImageSource::decoded(std::size_t index) const {
  if (cache_)
    if (auto hit = cache_->get(index)) return hit;
  auto entry = std::make_shared<CachedImage>();
  cv::Mat full = decode_image(items_[index].path, max_image_pixels_);
  if (const auto& c = items_[index].crop) {
    if (c->x0 < 0 || c->y0 < 0 || c->x1 > full.cols || c->y1 > full.rows || c->x1 <= c->x0 || c->y1 <= c->y0)
      throw DataError(Location{items_[index].path, 0, "", ""},
                      "the part [" + std::to_string(c->x0) + ", " + std::to_string(c->x1) + ") x [" + std::to_string(c->y0) +
                          ", " + std::to_string(c->y1) + ") is not inside the " + std::to_string(full.cols) + "x" +
                          std::to_string(full.rows) + " image");
    full = full(cv::Rect(c->x0, c->y0, c->x1 - c->x0, c->y1 - c->y0)).clone();  // the cache keeps only the part
  }
  entry->orig_width = full.cols;
  entry->orig_height = full.rows;
  // Shrink once, before caching, so a cached and an uncached load give the same bytes.
  if (stretch_) {
    const cv::Size to(std::min(full.cols, cache_long_side_), std::min(full.rows, cache_long_side_));
    if (to == full.size()) entry->image = full;
    else cv::resize(full, entry->image, to, 0, 0, area_when_shrinking_ ? cv::INTER_AREA : cv::INTER_LINEAR);
  } else {
    entry->image = std::max(full.cols, full.rows) > cache_long_side_
                       ? resize_long_side(full, cache_long_side_, area_when_shrinking_)
                       : full;
  }
  if (cache_) cache_->put(index, entry);
  return entry;
}

bool ImageSource::known_broken(std::size_t index) const {
  std::lock_guard<std::mutex> lock(broken_mutex_);
  return broken_.count(index) > 0;
}

std::shared_ptr<const CachedImage> ImageSource::decoded_or_next(std::size_t index, std::size_t& used) const {
  std::string last;  // the last problem met, for the error when no image is left
  for (std::size_t step = 0; step < items_.size(); ++step) {
    const std::size_t k = (index + step) % items_.size();
    if (known_broken(k)) continue;
    std::string problem;
    try {
      auto d = decoded(k);
      used = k;
      return d;
    } catch (const Error& e) {
      problem = without_path(e.what(), items_[k].path);
    } catch (const cv::Exception& e) {
      problem = e.what();
    }
    last = items_[k].path + ": " + problem;
    std::lock_guard<std::mutex> lock(broken_mutex_);
    if (broken_.insert(k).second)
      log::warn("loader: skipping image {} from now on, it cannot be decoded any more ({}); the next image in the "
                "dataset takes its place", items_[k].path, problem);
  }
  throw DataError(Location{items_[index].path, 0, "", ""}, "no image of the dataset can be decoded any more" +
                                                               (last.empty() ? "" : " (" + last + ")"));
}

LoadedImage ImageSource::load(std::size_t index, int long_side) const {
  LoadedImage out;
  const std::shared_ptr<const CachedImage> d = decoded_or_next(index, out.index);
  out.orig_width = d->orig_width;
  out.orig_height = d->orig_height;
  const cv::Size to = stretch_ ? cv::Size(long_side, long_side) : long_side_size(d->orig_width, d->orig_height, long_side);
  if (d->image.size() == to) {
    // A private copy (cheap next to decoding): callers may keep or modify it, and the cached
    // entry may be evicted by another thread at any time.
    out.image = d->image.clone();
  } else {
    cv::Mat resized;
    const bool shrinking = to.width < d->image.cols || to.height < d->image.rows;
    cv::resize(d->image, resized, to, 0, 0, shrinking && area_when_shrinking_ ? cv::INTER_AREA : cv::INTER_LINEAR);
    out.image = resized;
  }
  const double sx = double(to.width) / d->orig_width, sy = double(to.height) / d->orig_height;
  out.boxes = items_[out.index].boxes;
  for (LabeledBox& b : out.boxes) b.x0 *= sx, b.x1 *= sx, b.y0 *= sy, b.y1 *= sy;
  return out;
}

}  // namespace autodet
