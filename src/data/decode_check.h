#pragma once
// Which images can be trained on: each file decoded once (in parallel) by the rule `autodet data
// validate` applies, so an unreadable file is left out with its reason instead of failing training.
#include <cstdint>
#include <string>
#include <vector>

#include "core/diagnostics.h"
#include "data/dataset.h"

namespace autodet {

// An image file that cannot be decoded, and why (the decoder's message, naming the file).
struct UnusableImage {
  std::string path;
  std::string reason;
};

// message without the "PATH: " an error about path starts with.
std::string without_path(const std::string& message, const std::string& path);

// The images a reader already left out (missing, unreadable header, too large), from its report.
std::vector<UnusableImage> unusable_images_in(const Diagnostics& diag);

// "" when decode_image reads the file within max_pixels; otherwise why not (without the path).
// The one rule that `data validate` (ImageCheck::Decode) and training share.
std::string image_decode_problem(const std::string& path, std::int64_t max_pixels);

// The distinct files of `sets` that cannot be decoded, in the order first met. Each file is decoded
// once, on up to `threads` threads (0 = one per hardware thread). Records without a path are ignored.
std::vector<UnusableImage> find_unusable_images(const std::vector<const Dataset*>& sets, std::int64_t max_pixels,
                                                unsigned threads);

// Removes the records whose file is in `unusable` (tiles and crops of it too); returns how many.
std::size_t drop_unusable_images(Dataset& dataset, const std::vector<UnusableImage>& unusable);

}  // namespace autodet
