#pragma once
// A bounded reader of the zip archives torch.save writes (stored entries, zip64 when large):
// the central directory is parsed once, entries are views into the caller's bytes.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace autodet::models::weights {

// One file inside the archive, as the central directory lists it.
struct ZipEntry {
  std::string name;
  std::uint64_t header_offset = 0;  // where its local header starts
  std::uint64_t size = 0;           // uncompressed size
  std::uint64_t packed_size = 0;    // size as stored
  std::uint16_t method = 0;         // 0 = stored; anything else is refused on read
  std::uint32_t crc = 0;
};

// The archive over bytes the caller keeps alive. Every offset is checked against the bytes;
// malformed input throws DataError naming `file` (and the entry).
class ZipArchive {
 public:
  ZipArchive(std::string_view bytes, std::string file);
  const std::vector<ZipEntry>& entries() const { return entries_; }
  const ZipEntry* find(const std::string& name) const;  // nullptr when absent
  // The entry's bytes (checked: stored, inside the file, CRC-32 matching).
  std::string_view read(const ZipEntry& entry) const;

 private:
  std::string_view bytes_;
  std::string file_;
  std::vector<ZipEntry> entries_;
};

// True when the bytes start like a zip archive (a local file header).
bool looks_like_zip(std::string_view bytes);

}  // namespace autodet::models::weights
