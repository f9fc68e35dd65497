#pragma once
// Finds the tensors of an unpickled torch.save object and names them as state_dict() would:
// a flat dict of tensors, a checkpoint dict holding one ({"model": ..., "epoch": ...}), or a
// pickled nn.Module tree walked through _parameters, persistent _buffers and _modules.
#include <string>
#include <vector>

#include "models/weights/pickle_value.h"

namespace autodet::models::weights {

// One tensor of the file: its state_dict name and its Tensor value.
struct TensorRef {
  std::string name;
  ValueId tensor = 0;
};

// The top-level entry the weights live in: `entry` when given, else the root itself when it is
// a dict of tensors or a module, else the first of "ema", "model", "state_dict",
// "model_state_dict", "net" that is present and not None; *picked gets its key ("" for the root).
// Throws DataError naming `file` and the key.
ValueId pick_entry(const ValueTree& tree, ValueId root, const std::string& entry, const std::string& file, std::string* picked);

// The tensors under `entry_value`, in insertion order. Anything that is neither a tensor, None,
// a nested dict nor a module (e.g. an object of an unknown class) throws DataError naming the key.
std::vector<TensorRef> collect_tensors(const ValueTree& tree, ValueId entry_value, const std::string& entry_name,
                                       const std::string& file);

}  // namespace autodet::models::weights
