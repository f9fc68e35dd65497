#pragma once
// Reading images safely: a cheap header probe for size and format, and a full decode
// guarded by a pixel-count limit so a decompression bomb is rejected before it is decoded.
#include <cstdint>
#include <string>

#include <opencv2/core.hpp>

namespace autodet {

// Default limit on width*height accepted for decoding (about 16k x 16k).
constexpr std::int64_t kDefaultMaxImagePixels = 268'435'456;

struct ImageInfo {
  int width = 0;
  int height = 0;
  std::string format;  // "jpg", "png", "bmp", "tif", "webp", ... from the file's bytes, not its name
};

// Reads only the header bytes. Throws DataError naming the path when the file is missing,
// unreadable, not an image, or its header is damaged. Never decodes pixels.
ImageInfo probe_image(const std::string& path);

// Same, from bytes in memory (used by the fuzzers and by decode_image).
ImageInfo probe_image_bytes(const unsigned char* data, std::size_t size, const std::string& name);

// Decodes to 8-bit BGR. Throws DataError when the file is missing, corrupt, truncated,
// or larger than max_pixels (checked on the header, before any pixel is decoded).
cv::Mat decode_image(const std::string& path, std::int64_t max_pixels = kDefaultMaxImagePixels);

// True when the extension names a format autodet can read (jpg, jpeg, jpe, jfif, png, bmp, tif, tiff, webp).
bool has_image_extension(const std::string& path);

// Writes an image atomically (temporary file, then rename); format from the extension.
void write_image(const std::string& path, const cv::Mat& image, int jpeg_quality = 92);

}  // namespace autodet
