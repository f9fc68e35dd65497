#pragma once
// One batch as the loader hands it to the trainer: plain bytes and floats, no libtorch, so the
// trainer wraps them with torch::from_blob (images as uint8 (B, 3, H, W), targets as (N, 6)).
#include <cstddef>
#include <cstdint>
#include <vector>

#include <opencv2/core.hpp>

#include "data/augment/letterbox.h"

namespace autodet {

struct Batch {
  int size = 0, height = 0, width = 0;  // images are uint8, layout (B, 3, H, W), RGB
  std::vector<std::uint8_t> images;
  std::vector<float> targets;            // rows of 6: [index in batch, class, cx, cy, w, h] normalized to (W, H)
  std::vector<std::size_t> indices;      // dataset indices of the images
  std::vector<LetterboxInfo> letterbox;  // per image: how the original was resized and padded (see docs/loader.md)

  std::size_t target_rows() const { return targets.size() / 6; }
};

// Writes an 8-bit BGR image of h x w into dst as planar RGB (3 x h x w bytes).
void write_chw_rgb(const cv::Mat& bgr, std::uint8_t* dst);

}  // namespace autodet
