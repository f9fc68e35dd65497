#include "models/weights/legacy_format.h"

#include "core/error.h"
#include "models/weights/unpickler.h"

namespace autodet::models::weights {

namespace {

// 0x1950a86a20f9469cfc6c as LONG1 writes it: little-endian two's complement.
const std::string kMagic("\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19", 10);
constexpr std::int64_t kProtocolVersion = 1001;

// Unpickles the next pickle at *pos, advancing it.
ValueId next_pickle(std::string_view bytes, std::size_t* pos, const std::string& file, const std::string& part, ValueTree& tree) {
  std::size_t used = 0;
  const ValueId v = unpickle(bytes.substr(*pos), PickleSource{file, part, bytes.size()}, tree, &used);
  *pos += used;
  return v;
}

}  // namespace

bool looks_like_legacy(std::string_view bytes) {
  // PROTO n, LONG1 10, the magic bytes
  return bytes.size() >= 14 && static_cast<unsigned char>(bytes[0]) == 0x80 && static_cast<unsigned char>(bytes[2]) == 0x8a &&
         bytes[3] == 10 && bytes.substr(4, 10) == kMagic;
}

LegacyContents parse_legacy(std::string_view bytes, const std::string& file, ValueTree& tree) {
  std::size_t pos = 0;
  const ValueId magic = next_pickle(bytes, &pos, file, "magic number", tree);
  if (tree.kind(magic) != ValueKind::BigInt || tree.at(magic).text != kMagic)
    throw DataError(Location{file, 0, "", ""}, "not a PyTorch file (neither a zip archive nor the legacy torch.save format)");
  const ValueId protocol = next_pickle(bytes, &pos, file, "protocol version", tree);
  if (tree.kind(protocol) != ValueKind::Int || tree.at(protocol).number != kProtocolVersion)
    throw DataError(Location{file, 0, "protocol version", ""}, "unsupported legacy format version");
  const ValueId sys_info = next_pickle(bytes, &pos, file, "sys_info", tree);
  ValueId little = 0;
  if (tree.dict_find(sys_info, "little_endian", &little) && tree.kind(little) == ValueKind::Bool && !tree.at(little).flag)
    throw DataError(Location{file, 0, "sys_info", "little_endian"}, "the file was written on a big-endian machine");
  const std::size_t first_value = tree.size();
  LegacyContents out;
  out.root = next_pickle(bytes, &pos, file, "main pickle", tree);
  // Element sizes come from the storage records the main pickle made.
  std::unordered_map<std::string, std::size_t> element_bytes;
  for (std::size_t id = first_value; id < tree.size(); ++id) {
    const Value& v = tree.at(static_cast<ValueId>(id));
    if (v.kind == ValueKind::Storage) element_bytes.emplace(v.text, element_size(v.scalar));
  }
  const ValueId keys = next_pickle(bytes, &pos, file, "storage keys", tree);
  if (tree.kind(keys) != ValueKind::List) throw DataError(Location{file, 0, "storage keys", ""}, "storage key list is " + tree.describe(keys));
  for (const ValueId k : tree.at(keys).items) {
    if (tree.kind(k) != ValueKind::String) throw DataError(Location{file, 0, "storage keys", ""}, "a storage key is " + tree.describe(k));
    const std::string& key = tree.at(k).text;
    const Location where{file, 0, "storage '" + key + "'", ""};
    const auto size = element_bytes.find(key);
    if (size == element_bytes.end()) throw DataError(where, "storage listed but never used by the pickle");
    if (bytes.size() - pos < 8) throw DataError(where, "file truncated before the storage's element count");
    std::uint64_t count = 0;
    for (int i = 7; i >= 0; --i) count = (count << 8) | static_cast<unsigned char>(bytes[pos + i]);
    pos += 8;
    if (count > (bytes.size() - pos) / size->second)
      throw DataError(where, "storage of " + std::to_string(count) + " elements runs past the end of the file (truncated?)");
    const std::size_t n = count * size->second;
    if (!out.storages.emplace(key, bytes.substr(pos, n)).second) throw DataError(where, "storage listed twice");
    pos += n;
  }
  return out;
}

}  // namespace autodet::models::weights
