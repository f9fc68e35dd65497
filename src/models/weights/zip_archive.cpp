#include "models/weights/zip_archive.h"

#include <array>

#include "core/error.h"

namespace autodet::models::weights {

namespace {

constexpr std::uint32_t kLocalHeader = 0x04034b50, kCentralHeader = 0x02014b50, kEndOfDirectory = 0x06054b50,
                        kZip64End = 0x06064b50, kZip64Locator = 0x07064b50;
constexpr std::size_t kEndSize = 22, kCentralSize = 46, kLocalSize = 30, kZip64EndSize = 56, kLocatorSize = 20;

// Little-endian reads at a position already checked to be inside the bytes.
std::uint64_t le(std::string_view b, std::uint64_t pos, int n) {
  std::uint64_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(b[pos + i]);
  return v;
}

const std::array<std::uint32_t, 256>& crc_table() {
  static const std::array<std::uint32_t, 256> table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  return table;
}

std::uint32_t crc32(std::string_view data) {
  const auto& t = crc_table();
  std::uint32_t c = 0xFFFFFFFFu;
  for (const char ch : data) c = t[(c ^ static_cast<unsigned char>(ch)) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

// A cursor that refuses to step outside [0, size).
struct Span {
  std::string_view bytes;
  const std::string& file;
  void need(std::uint64_t pos, std::uint64_t n, const std::string& what) const {
    if (pos > bytes.size() || n > bytes.size() - pos)
      throw DataError(Location{file, 0, what, ""}, "zip archive truncated or corrupt (" + std::to_string(n) +
                                                       " bytes at offset " + std::to_string(pos) + " lie past the end of the " +
                                                       std::to_string(bytes.size()) + "-byte file)");
  }
};

// Offset of the end-of-central-directory record: the last signature in the final 64 KiB + 22.
std::uint64_t find_end_record(std::string_view b, const std::string& file) {
  if (b.size() >= kEndSize) {
    const std::uint64_t lowest = b.size() > kEndSize + 0xFFFF ? b.size() - kEndSize - 0xFFFF : 0;
    for (std::uint64_t pos = b.size() - kEndSize + 1; pos-- > lowest;)
      if (le(b, pos, 4) == kEndOfDirectory && pos + kEndSize + le(b, pos + 20, 2) == b.size()) return pos;
  }
  throw DataError(Location{file, 0, "", ""}, "not a complete zip archive (no end-of-central-directory record; "
                                             "the file is truncated or corrupt)");
}

// Replaces 0xFFFFFFFF fields of one central entry with their zip64 extra-field values.
void apply_zip64_extra(std::string_view extra, ZipEntry& e, const std::string& file) {
  std::size_t pos = 0;
  while (pos + 4 <= extra.size()) {
    const auto id = le(extra, pos, 2), len = le(extra, pos + 2, 2);
    if (pos + 4 + len > extra.size()) break;
    if (id == 1) {
      std::size_t at = pos + 4;
      auto take = [&](std::uint64_t& field) {
        if (field != 0xFFFFFFFFu) return;
        if (at + 8 > pos + 4 + len)
          throw DataError(Location{file, 0, "zip entry " + e.name, ""}, "zip64 extra field too short");
        field = le(extra, at, 8);
        at += 8;
      };
      take(e.size);
      take(e.packed_size);
      take(e.header_offset);
      return;
    }
    pos += 4 + len;
  }
}

}  // namespace

bool looks_like_zip(std::string_view bytes) { return bytes.size() >= 4 && le(bytes, 0, 4) == kLocalHeader; }

ZipArchive::ZipArchive(std::string_view bytes, std::string file) : bytes_(bytes), file_(std::move(file)) {
  const Span span{bytes_, file_};
  const std::uint64_t end = find_end_record(bytes_, file_);
  std::uint64_t count = le(bytes_, end + 10, 2), dir_size = le(bytes_, end + 12, 4), dir_offset = le(bytes_, end + 16, 4);
  if (count == 0xFFFF || dir_size == 0xFFFFFFFFu || dir_offset == 0xFFFFFFFFu) {
    if (end < kLocatorSize || le(bytes_, end - kLocatorSize, 4) != kZip64Locator)
      throw DataError(Location{file_, 0, "", ""}, "zip64 archive without its end-of-directory locator");
    const std::uint64_t z64 = le(bytes_, end - kLocatorSize + 8, 8);
    span.need(z64, kZip64EndSize, "zip64 end of central directory");
    if (le(bytes_, z64, 4) != kZip64End) throw DataError(Location{file_, 0, "", ""}, "corrupt zip64 end-of-directory record");
    count = le(bytes_, z64 + 32, 8);
    dir_size = le(bytes_, z64 + 40, 8);
    dir_offset = le(bytes_, z64 + 48, 8);
  }
  span.need(dir_offset, dir_size, "zip central directory");
  if (count > dir_size / kCentralSize)
    throw DataError(Location{file_, 0, "", ""}, "zip central directory claims " + std::to_string(count) +
                                                    " entries in " + std::to_string(dir_size) + " bytes");
  entries_.reserve(count);
  std::uint64_t pos = dir_offset;
  const std::uint64_t dir_end = dir_offset + dir_size;
  for (std::uint64_t i = 0; i < count; ++i) {
    const std::string what = "zip central directory entry " + std::to_string(i);
    if (pos + kCentralSize > dir_end || le(bytes_, pos, 4) != kCentralHeader)
      throw DataError(Location{file_, 0, what, ""}, "corrupt zip central directory");
    const std::uint64_t name_len = le(bytes_, pos + 28, 2), extra_len = le(bytes_, pos + 30, 2),
                        comment_len = le(bytes_, pos + 32, 2);
    const std::uint64_t next = pos + kCentralSize + name_len + extra_len + comment_len;
    if (next > dir_end) throw DataError(Location{file_, 0, what, ""}, "zip central directory entry runs past the directory");
    ZipEntry e;
    e.method = static_cast<std::uint16_t>(le(bytes_, pos + 10, 2));
    e.crc = static_cast<std::uint32_t>(le(bytes_, pos + 16, 4));
    e.packed_size = le(bytes_, pos + 20, 4);
    e.size = le(bytes_, pos + 24, 4);
    e.header_offset = le(bytes_, pos + 42, 4);
    e.name = std::string(bytes_.substr(pos + kCentralSize, name_len));
    apply_zip64_extra(bytes_.substr(pos + kCentralSize + name_len, extra_len), e, file_);
    entries_.push_back(std::move(e));
    pos = next;
  }
}

const ZipEntry* ZipArchive::find(const std::string& name) const {
  for (const auto& e : entries_)
    if (e.name == name) return &e;
  return nullptr;
}

std::string_view ZipArchive::read(const ZipEntry& e) const {
  const std::string what = "zip entry " + e.name;
  if (e.method != 0)
    throw DataError(Location{file_, 0, what, ""}, "entry is compressed (zip method " + std::to_string(e.method) +
                                                      "); torch.save writes stored entries only");
  if (e.packed_size != e.size)
    throw DataError(Location{file_, 0, what, ""}, "stored entry whose sizes disagree");
  const Span span{bytes_, file_};
  span.need(e.header_offset, kLocalSize, what);
  if (le(bytes_, e.header_offset, 4) != kLocalHeader) throw DataError(Location{file_, 0, what, ""}, "corrupt zip local header");
  const std::uint64_t data = e.header_offset + kLocalSize + le(bytes_, e.header_offset + 26, 2) + le(bytes_, e.header_offset + 28, 2);
  span.need(data, e.size, what);
  const std::string_view out = bytes_.substr(data, e.size);
  if (crc32(out) != e.crc) throw DataError(Location{file_, 0, what, ""}, "CRC-32 mismatch: the entry is corrupt");
  return out;
}

}  // namespace autodet::models::weights
