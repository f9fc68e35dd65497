#pragma once
// The pre-zip torch.save layout (_use_new_zipfile_serialization=False): pickles of the magic
// number, the protocol version, sys_info, the object, the storage keys, then every storage as an
// 8-byte little-endian element count followed by its raw bytes.
#include <string>
#include <string_view>
#include <unordered_map>

#include "models/weights/pickle_value.h"

namespace autodet::models::weights {

// The object pickled in a legacy file and the bytes of each storage, by key (views into the input).
struct LegacyContents {
  ValueId root = 0;
  std::unordered_map<std::string, std::string_view> storages;
};

// True when the bytes start with the legacy magic-number pickle.
bool looks_like_legacy(std::string_view bytes);

// Parses a legacy file held in `bytes` into `tree`; throws DataError naming `file` and the part.
LegacyContents parse_legacy(std::string_view bytes, const std::string& file, ValueTree& tree);

}  // namespace autodet::models::weights
