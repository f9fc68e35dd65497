#pragma once
// Shared setup for the reader fuzzers: images are never opened (sizes come from the input or
// the file is reported missing), and only autodet::Error may escape a reader.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/error.h"
#include "data/read_options.h"

namespace autodet::fuzz {

inline ReadOptions options() {
  ReadOptions o;
  o.image_check = ImageCheck::None;
  o.images_dir = "/nonexistent-autodet-fuzz";
  return o;
}

inline std::string text(const uint8_t* data, std::size_t size) { return std::string(reinterpret_cast<const char*>(data), size); }

}  // namespace autodet::fuzz
