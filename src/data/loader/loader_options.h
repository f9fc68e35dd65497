#pragma once
// How DetectionLoader builds batches: image size, batch size, training or validation
// augmentations (Azure's advanced_settings switches), threads, prefetch, seed, cache.
#include <cstdint>

#include "core/image_io.h"

namespace autodet {

struct LoaderOptions {
  int image_size = 640;    // s: training canvas / validation square
  int batch_size = 16;
  bool train = true;       // true: mosaic/affine/HSV/flip; false: letterbox only
  bool mosaic = true;      // apply_mosaic_for_yolo
  bool stretch = false;    // resize to image_size x image_size without keeping the aspect (no letterbox)
  bool augment = true;     // apply_automl_train_augmentations (random affine + horizontal flip)
  // The R-CNN family's training augmentations (R4.4: crop around the boxes or expand, flip; no
  // affine, no HSV) instead of YOLOv5's.
  bool rcnn_augment = false;
  bool multi_scale = false;  // training: per-batch size in [0.5s, 1.5s], a multiple of 32
  bool shuffle = true;
  int workers = 0;         // decode/augment threads; 0 = one per core
  int prefetch_batches = 4;  // batches being built or ready ahead of the consumer
  std::uint64_t seed = 0;
  bool drop_last = false;
  std::int64_t max_image_pixels = kDefaultMaxImagePixels;  // decompression-bomb limit
  std::int64_t cache_bytes = std::int64_t(1) << 30;  // decoded-image LRU cache; 0 = off
};

// Throws UsageError naming the first option out of range.
void validate_loader_options(const LoaderOptions& options);

}  // namespace autodet
