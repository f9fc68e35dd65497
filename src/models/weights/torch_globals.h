#pragma once
// The few Python callables and classes of a torch.save pickle the reader understands without
// running them: storage classes (torch.FloatStorage, ...), tensor and parameter rebuild functions,
// collections.OrderedDict and set. Everything else stays an inert Object.
#include <cstdint>
#include <string>
#include <vector>

#include "models/weights/pickle_value.h"

namespace autodet::models::weights {

// The element kind of a storage class name ("torch.HalfStorage"); false when it is none.
bool storage_scalar(const std::string& class_name, ScalarKind* out);

// A Storage value from a persistent id ('storage', class, key, location, numel[, view]), or
// why it is malformed. numel * element size may not exceed max_bytes.
struct StorageRecord {
  Value value;
  std::string error;
};
StorageRecord make_storage(const ValueTree& tree, const std::vector<ValueId>& pid, std::uint64_t max_bytes);

// What REDUCE(callable, args) yields: a Tensor, a Dict, a List or an Object; or why it is malformed.
struct Rebuilt {
  ValueId id = 0;
  std::string error;
};
Rebuilt rebuild(ValueTree& tree, ValueId callable, ValueId args);

}  // namespace autodet::models::weights
