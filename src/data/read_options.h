#pragma once
// Options shared by all dataset readers.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/image_io.h"

namespace autodet {

// How much of each image file a reader looks at.
enum class ImageCheck {
  None,    // trust sizes from the annotation; never open image files (sizes must be given)
  Header,  // read the header for the true size and format (fast; default)
  Decode,  // fully decode every image to find corrupt files (what `data validate` does)
  // Header when the file exists; otherwise the size the annotation gives, so labels can be
  // scored without their images (`evaluate`). No file and no size is an error naming the image.
  HeaderIfPresent,
};

struct ReadOptions {
  ImageCheck image_check = ImageCheck::Header;
  std::int64_t max_image_pixels = kDefaultMaxImagePixels;
  // Remaps of remote URL prefixes to local folders (--image-root). An empty prefix means
  // "any remote URL": its path is looked up under the folder (see docs/data.md).
  std::vector<std::pair<std::string, std::string>> image_roots;
  // Folder the image files named by a CSV/COCO source live in ("" = beside the source).
  std::string images_dir;
  // MLTable read_json_lines invalid_lines: drop malformed JSON lines instead of failing.
  bool drop_invalid_lines = false;
};

}  // namespace autodet
