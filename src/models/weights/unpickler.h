#pragma once
// A pickle reader (protocols 0-5, the opcodes torch.save emits and their relatives) that builds
// a ValueTree and never runs code: classes become Global values, instances inert Objects, and
// torch's storages and tensor/parameter rebuild calls become Storage and Tensor records.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "models/weights/pickle_value.h"

namespace autodet::models::weights {

// Where the pickle comes from, for error messages, and the bound on what it may claim.
struct PickleSource {
  std::string file;     // the file on disk
  std::string element;  // the part of it, e.g. "archive/data.pkl" or "main pickle"
  std::uint64_t max_storage_bytes = 0;  // a storage may not claim more bytes than this
};

// Unpickles one pickle that starts at bytes[0] into `tree`; returns its value and sets
// *consumed to the bytes it used (pickles may follow each other). Malformed or absurd input
// (bad opcodes, underflow, unknown memo keys, lengths past the end, inconsistent tensor views)
// throws DataError naming source.file and source.element.
ValueId unpickle(std::string_view bytes, const PickleSource& source, ValueTree& tree, std::size_t* consumed = nullptr);

}  // namespace autodet::models::weights
