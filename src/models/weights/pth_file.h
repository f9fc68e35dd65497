#pragma once
// Reads PyTorch weight files (torch.save output) into named CPU tensors, without Python and
// without libtorch's unpickler: state_dicts, checkpoints holding one, and pickled module trees.
#include <string>
#include <utility>
#include <vector>

#include <torch/types.h>

namespace autodet::models {

// Tensors read from a PyTorch file, by name, in file order.
struct NamedTensors {
  std::vector<std::pair<std::string, torch::Tensor>> items;
  const torch::Tensor* find(const std::string& name) const;  // nullptr when absent
};

// How read_pth picks what to read.
struct PthReadOptions {
  // Which entry holds the weights: "" picks automatically (the file itself when it is a dict of
  // tensors; else "ema" if present and not None, then "model", "state_dict", "model_state_dict", "net").
  std::string entry;
};

// Reads a torch.save file (zip format of torch >= 1.6, or the legacy format): a state_dict, a
// nested checkpoint ({"model": state_dict, ...}) or a pickled module tree (tensors found through
// _modules/_parameters/_buffers, named like state_dict() would: "model.0.conv.weight"). Every
// storage, whatever device it was tagged with, is loaded to CPU in its own dtype (fp32, fp16,
// bf16, fp64, int64, int32, int16, uint8, int8, bool). Views keep their offset, sizes and strides;
// tensors that shared a storage share memory. Throws DataError naming the file and key.
NamedTensors read_pth(const std::string& path, const PthReadOptions& options = {});

}  // namespace autodet::models
