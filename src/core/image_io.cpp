#include "core/image_io.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <vector>

#include <opencv2/imgcodecs.hpp>

#include "core/error.h"
#include "core/fs.h"

namespace autodet {
namespace {

std::uint32_t be16(const unsigned char* p) { return (std::uint32_t(p[0]) << 8) | p[1]; }
std::uint32_t be32(const unsigned char* p) { return (be16(p) << 16) | be16(p + 2); }
std::uint32_t le16(const unsigned char* p) { return (std::uint32_t(p[1]) << 8) | p[0]; }
std::uint32_t le32(const unsigned char* p) { return (le16(p + 2) << 16) | le16(p); }

[[noreturn]] void bad(const std::string& name, const std::string& why) {
  throw DataError(Location{name, 0, "", ""}, why);
}

ImageInfo probe_jpeg(const unsigned char* d, std::size_t n, const std::string& name) {
  std::size_t i = 2;
  while (i + 4 <= n) {
    if (d[i] != 0xFF) bad(name, "corrupt JPEG: bad marker at byte " + std::to_string(i));
    unsigned char m = d[i + 1];
    if (m == 0xFF) { ++i; continue; }  // fill byte
    if (m == 0xD8 || m == 0x01 || (m >= 0xD0 && m <= 0xD7)) { i += 2; continue; }
    if (m == 0xD9 || m == 0xDA) break;  // end or start of scan before a frame header
    std::uint32_t len = be16(d + i + 2);
    if (len < 2) bad(name, "corrupt JPEG: segment length " + std::to_string(len) + " at byte " + std::to_string(i));
    bool sof = (m >= 0xC0 && m <= 0xCF) && m != 0xC4 && m != 0xC8 && m != 0xCC;
    if (sof) {
      if (i + 9 > n) break;
      ImageInfo info;
      info.height = static_cast<int>(be16(d + i + 5));
      info.width = static_cast<int>(be16(d + i + 7));
      info.format = "jpg";
      if (info.width <= 0 || info.height <= 0) bad(name, "corrupt JPEG: frame size is zero");
      return info;
    }
    i += 2 + len;
  }
  bad(name, "corrupt or truncated JPEG: no frame header found");
}

// WebP (RIFF): the size is in the first chunk's header, whichever of the three kinds it is.
ImageInfo probe_webp(const unsigned char* d, std::size_t n, const std::string& name) {
  if (n < 30) bad(name, "corrupt WebP: header truncated");
  std::uint32_t w = 0, h = 0;
  if (std::memcmp(d + 12, "VP8X", 4) == 0) {  // extended: 24-bit canvas size minus one
    w = 1 + (d[24] | (std::uint32_t(d[25]) << 8) | (std::uint32_t(d[26]) << 16));
    h = 1 + (d[27] | (std::uint32_t(d[28]) << 8) | (std::uint32_t(d[29]) << 16));
  } else if (std::memcmp(d + 12, "VP8 ", 4) == 0) {  // lossy: key frame start code, then 14-bit sizes
    if (d[23] != 0x9D || d[24] != 0x01 || d[25] != 0x2A) bad(name, "corrupt WebP: VP8 start code missing");
    w = le16(d + 26) & 0x3FFF;
    h = le16(d + 28) & 0x3FFF;
  } else if (std::memcmp(d + 12, "VP8L", 4) == 0) {  // lossless: signature, then 14-bit sizes minus one
    if (d[20] != 0x2F) bad(name, "corrupt WebP: VP8L signature missing");
    const std::uint32_t bits = le32(d + 21);
    w = 1 + (bits & 0x3FFF);
    h = 1 + ((bits >> 14) & 0x3FFF);
  } else {
    bad(name, "corrupt WebP: unknown first chunk");
  }
  if (w == 0 || h == 0) bad(name, "corrupt WebP: frame size is zero");
  return ImageInfo{int(w), int(h), "webp"};
}

// TIFF: ImageWidth (256) and ImageLength (257) of the first image file directory.
ImageInfo probe_tiff(const unsigned char* d, std::size_t n, const std::string& name) {
  const bool little = d[0] == 'I';
  auto u16 = [&](std::size_t at) { return little ? le16(d + at) : be16(d + at); };
  auto u32 = [&](std::size_t at) { return little ? le32(d + at) : be32(d + at); };
  const std::size_t ifd = u32(4);
  if (ifd < 8 || ifd + 2 > n) bad(name, "corrupt or truncated TIFF: directory offset " + std::to_string(ifd) + " outside the file");
  const std::size_t entries = u16(ifd);
  if (ifd + 2 + entries * 12 > n) bad(name, "corrupt or truncated TIFF: directory runs past the end of the file");
  std::int64_t w = 0, h = 0;
  for (std::size_t k = 0; k < entries; ++k) {
    const std::size_t e = ifd + 2 + k * 12;
    const std::uint32_t tag = u16(e), type = u16(e + 2);
    if (tag != 256 && tag != 257) continue;
    std::int64_t v = 0;
    if (type == 3) v = u16(e + 8);        // SHORT, left-justified in the value field
    else if (type == 4) v = u32(e + 8);   // LONG
    else bad(name, "corrupt TIFF: image size tag of type " + std::to_string(type));
    (tag == 256 ? w : h) = v;
  }
  if (w <= 0 || h <= 0 || w > 0x7FFFFFFF || h > 0x7FFFFFFF) bad(name, "corrupt TIFF: image size missing or zero");
  return ImageInfo{int(w), int(h), "tif"};
}

}  // namespace

ImageInfo probe_image_bytes(const unsigned char* d, std::size_t n, const std::string& name) {
  if (n >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF) return probe_jpeg(d, n, name);
  static const unsigned char png_sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  if (n >= 8 && std::memcmp(d, png_sig, 8) == 0) {
    if (n < 24 || std::memcmp(d + 12, "IHDR", 4) != 0) bad(name, "corrupt PNG: missing IHDR header");
    std::uint32_t w = be32(d + 16), h = be32(d + 20);
    if (w == 0 || h == 0 || w > 0x7FFFFFFF || h > 0x7FFFFFFF) bad(name, "corrupt PNG: invalid size in IHDR");
    return ImageInfo{int(w), int(h), "png"};
  }
  if (n >= 2 && d[0] == 'B' && d[1] == 'M') {
    if (n < 26) bad(name, "corrupt BMP: header truncated");
    std::uint32_t hdr = le32(d + 14);
    std::int64_t w, h;
    if (hdr == 12) { w = le16(d + 18); h = le16(d + 20); }
    else {
      if (n < 26) bad(name, "corrupt BMP: header truncated");
      w = std::int32_t(le32(d + 18)); h = std::int32_t(le32(d + 22));
    }
    if (h < 0) h = -h;
    if (w <= 0 || h <= 0 || w > 0x7FFFFFFF || h > 0x7FFFFFFF) bad(name, "corrupt BMP: invalid size");
    return ImageInfo{int(w), int(h), "bmp"};
  }
  if (n >= 12 && std::memcmp(d, "RIFF", 4) == 0 && std::memcmp(d + 8, "WEBP", 4) == 0) return probe_webp(d, n, name);
  if (n >= 8 && ((d[0] == 'I' && d[1] == 'I' && d[2] == 42 && d[3] == 0) ||
                 (d[0] == 'M' && d[1] == 'M' && d[2] == 0 && d[3] == 42)))
    return probe_tiff(d, n, name);
  if (n == 0) bad(name, "empty file, not an image");
  bad(name, "not a recognised image (JPEG, PNG, BMP, TIFF or WebP expected)");
}

ImageInfo probe_image(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) bad(path, fs_exists(path) ? "image file cannot be opened" : "image file does not exist");
  std::vector<unsigned char> head(256 * 1024);
  f.read(reinterpret_cast<char*>(head.data()), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(f.gcount()));
  // A TIFF's directory usually follows its pixels: read just the directory, placed after a copy of
  // the header whose offset now points at it (the size tags' values sit inside their entries).
  if (head.size() >= 8 && ((head[0] == 'I' && head[1] == 'I') || (head[0] == 'M' && head[1] == 'M'))) {
    const bool little = head[0] == 'I';
    const std::uint64_t ifd = little ? le32(head.data() + 4) : be32(head.data() + 4);
    const auto inside = [&] {
      if (ifd + 2 > head.size()) return false;
      const std::size_t entries = little ? le16(head.data() + ifd) : be16(head.data() + ifd);
      return ifd + 2 + entries * 12 <= head.size();
    };
    if (!inside()) {
      std::vector<unsigned char> dir(2);
      f.clear();
      f.seekg(std::streamoff(ifd));
      if (!f.read(reinterpret_cast<char*>(dir.data()), 2)) bad(path, "corrupt or truncated TIFF: directory offset " + std::to_string(ifd) + " outside the file");
      const std::size_t entries = little ? le16(dir.data()) : be16(dir.data());
      dir.resize(2 + entries * 12);
      if (!f.read(reinterpret_cast<char*>(dir.data() + 2), std::streamsize(entries * 12)))
        bad(path, "corrupt or truncated TIFF: directory runs past the end of the file");
      std::vector<unsigned char> shortened(head.begin(), head.begin() + 8);
      const unsigned char at8[4] = {std::uint8_t(little ? 8 : 0), 0, 0, std::uint8_t(little ? 0 : 8)};
      std::copy(at8, at8 + 4, shortened.begin() + 4);
      shortened.insert(shortened.end(), dir.begin(), dir.end());
      return probe_image_bytes(shortened.data(), shortened.size(), path);
    }
  }
  return probe_image_bytes(head.data(), head.size(), path);
}

cv::Mat decode_image(const std::string& path, std::int64_t max_pixels) {
  if (!fs_exists(path)) bad(path, "image file does not exist");
  std::string bytes = read_file(path);
  const auto* d = reinterpret_cast<const unsigned char*>(bytes.data());
  ImageInfo info = probe_image_bytes(d, bytes.size(), path);
  if (std::int64_t(info.width) * info.height > max_pixels)
    bad(path, "image is " + std::to_string(info.width) + "x" + std::to_string(info.height) +
                  " pixels, over the limit of " + std::to_string(max_pixels) + " (possible decompression bomb)");
  if (info.format == "jpg") {
    // A JPEG without its end-of-image marker was cut short; libjpeg would silently pad it grey.
    std::size_t end = bytes.size();
    while (end > 2 && (d[end - 1] == 0 || d[end - 1] == '\n' || d[end - 1] == '\r' || d[end - 1] == ' ')) --end;
    if (end < 2 || d[end - 2] != 0xFF || d[end - 1] != 0xD9) bad(path, "truncated JPEG: end-of-image marker missing");
  }
  std::vector<unsigned char> buf(d, d + bytes.size());
  cv::Mat m = cv::imdecode(buf, cv::IMREAD_COLOR);
  if (m.empty()) bad(path, "corrupt " + info.format + " image: decoding failed");
  if (m.cols != info.width || m.rows != info.height)
    bad(path, "corrupt " + info.format + " image: header says " + std::to_string(info.width) + "x" +
                  std::to_string(info.height) + " but decoded " + std::to_string(m.cols) + "x" + std::to_string(m.rows));
  return m;
}

bool has_image_extension(const std::string& path) {
  auto dot = path.find_last_of('.');
  if (dot == std::string::npos) return false;
  std::string ext = path.substr(dot + 1);
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  static const char* exts[] = {"jpg", "jpeg", "jpe", "jfif", "png", "bmp", "tif", "tiff", "webp"};
  return std::any_of(std::begin(exts), std::end(exts), [&](const char* e) { return ext == e; });
}

void write_image(const std::string& path, const cv::Mat& image, int jpeg_quality) {
  std::vector<int> params;
  std::string ext = path.substr(path.find_last_of('.') + 1);
  if (ext == "jpg" || ext == "jpeg") params = {cv::IMWRITE_JPEG_QUALITY, jpeg_quality};
  if (ext == "png") params = {cv::IMWRITE_PNG_COMPRESSION, 6};
  std::vector<unsigned char> buf;
  if (!cv::imencode("." + ext, image, buf, params)) throw Error("cannot encode image " + path);
  write_file_atomic(path, std::string(buf.begin(), buf.end()));
}

}  // namespace autodet
