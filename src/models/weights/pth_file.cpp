#include "models/weights/pth_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <unordered_map>

#include "core/error.h"
#include "models/weights/tensor_names.h"
#include "models/weights/torch_file.h"

namespace autodet::models {

namespace {

using weights::ScalarKind;

torch::ScalarType torch_type(ScalarKind k) {
  switch (k) {
    case ScalarKind::Float32: return torch::kFloat32;
    case ScalarKind::Float16: return torch::kFloat16;
    case ScalarKind::BFloat16: return torch::kBFloat16;
    case ScalarKind::Float64: return torch::kFloat64;
    case ScalarKind::Int64: return torch::kInt64;
    case ScalarKind::Int32: return torch::kInt32;
    case ScalarKind::Int16: return torch::kInt16;
    case ScalarKind::UInt8: return torch::kUInt8;
    case ScalarKind::Int8: return torch::kInt8;
    case ScalarKind::Bool: return torch::kBool;
  }
  return torch::kUInt8;
}

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DataError(Location{path, 0, "", ""}, "cannot open the weight file: " + std::string(std::strerror(errno)));
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw DataError(Location{path, 0, "", ""}, "cannot read the weight file");
  return bytes;
}

}  // namespace

const torch::Tensor* NamedTensors::find(const std::string& name) const {
  for (const auto& [n, t] : items)
    if (n == name) return &t;
  return nullptr;
}

NamedTensors read_pth(const std::string& path, const PthReadOptions& options) {
  const std::string bytes = read_bytes(path);
  const weights::TorchFile file(bytes, path);
  const auto& tree = file.tree();
  std::string picked;
  const auto entry = weights::pick_entry(tree, file.root(), options.entry, path, &picked);
  // One CPU tensor per storage (by key and element type); every view is cut from it.
  std::unordered_map<std::string, torch::Tensor> storages;
  NamedTensors out;
  for (const auto& ref : weights::collect_tensors(tree, entry, picked, path)) {
    const auto& view = tree.at(ref.tensor);
    const auto& storage = tree.at(view.ref);
    const std::string key = storage.text + '\n' + weights::scalar_name(storage.scalar);
    auto it = storages.find(key);
    if (it == storages.end()) {
      const auto data = file.storage_bytes(view.ref, ref.name);
      auto flat = torch::empty({storage.number}, torch::TensorOptions().dtype(torch_type(storage.scalar)));
      if (!data.empty()) std::memcpy(flat.data_ptr(), data.data(), data.size());
      it = storages.emplace(key, std::move(flat)).first;
    }
    out.items.emplace_back(ref.name, it->second.as_strided(view.sizes, view.strides, view.number));
  }
  return out;
}

}  // namespace autodet::models
