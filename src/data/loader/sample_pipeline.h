#pragma once
// The per-image work of the loader, as YOLOv5 v6 does it. Training: mosaic of 4 (or a letterboxed
// single image), random affine (zoom 0.5..1.5, crops the mosaic back to size x size), HSV, flip.
// Validation: letterbox only. Every random choice comes from the Rng passed in.
#include <cstddef>

#include <opencv2/core.hpp>

#include "core/rng.h"
#include "data/augment/labeled_box.h"
#include "data/augment/letterbox.h"
#include "data/loader/image_source.h"
#include "data/loader/loader_options.h"

namespace autodet {

// One finished image: BGR size x size, boxes in its pixels (clipped, non-empty).
struct Sample {
  std::size_t index = 0;  // the dataset image it shows (another when the one asked for broke, ImageSource::load)
  cv::Mat image;
  LabeledBoxes boxes;
  LetterboxInfo letterbox;
};

// Builds the sample of dataset image `index` at `size` following options (train, mosaic, augment).
Sample make_sample(const ImageSource& source, std::size_t index, int size, const LoaderOptions& options, Rng& rng);

}  // namespace autodet
