#pragma once
// The embedded default dataset: images of simple shapes (circle, square, triangle, ...) on
// textured backgrounds, with exact boxes. The same options give the same bytes (docs/synth.md).
#include <cstdint>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "data/dataset.h"

namespace autodet {

// What `autodet data synth` generates.
struct SynthOptions {
  int images = 200;
  int classes = 4;  // the first `classes` of synthetic_class_kinds()
  int width = 320, height = 320;
  std::uint64_t seed = 0;
  int min_objects = 1, max_objects = 6;  // per image; fewer when no room is left
  int jpeg_quality = 92;
};

// One generated image and its boxes (pixel coordinates, labels are shape names).
struct SynthImage {
  cv::Mat image;  // CV_8UC3, BGR
  std::vector<Box> boxes;
};

// All shape names the generator can draw, in the order --classes takes them.
const std::vector<std::string>& synthetic_class_kinds();

// Throws UsageError naming the first option out of range.
void validate_synth_options(const SynthOptions& opts);

// Image `index` (0-based) of the dataset opts describes; depends only on opts and index.
SynthImage render_synthetic_image(const SynthOptions& opts, int index);

// Writes out_dir/images/000001.jpg ..., out_dir/annotations.jsonl (relative image URLs, so the
// folder can be moved) and out_dir/MLTable. Returns the dataset as written (paths resolved).
Dataset generate_synthetic(const SynthOptions& opts, const std::string& out_dir);

}  // namespace autodet
