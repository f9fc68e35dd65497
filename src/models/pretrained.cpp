#include "models/pretrained.h"

#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <torch/torch.h>

#include "core/error.h"
#include "models/weights/pth_file.h"

namespace autodet::models {
namespace {

bool starts_with_any(const std::string& name, const std::vector<std::string>& prefixes) {
  for (const auto& p : prefixes)
    if (name.rfind(p, 0) == 0) return true;
  return false;
}

}  // namespace

std::string load_start_weights(Detector& detector, const StartWeights& start) {
  const NamedTensors file = read_pth(start.path);
  std::map<std::string, torch::Tensor> own;
  for (const auto& p : detector.module().named_parameters(true)) own.emplace(p.key(), p.value());
  for (const auto& b : detector.module().named_buffers(true)) own.emplace(b.key(), b.value());
  const std::vector<std::string> class_layers = detector.class_layers();
  std::size_t loaded = 0, reinitialised = 0, partly_kept = 0, other_shape = 0, unknown = 0;
  torch::NoGradGuard no_grad;
  for (const auto& [stored_name, value] : file.items) {
    const std::string name = detector.tensor_name(start.prefix + stored_name);
    auto it = own.find(name);
    if (it == own.end()) {
      ++unknown;  // e.g. an ImageNet classifier the detector has no use for
      continue;
    }
    if (start.whole && starts_with_any(name, class_layers)) {
      ++reinitialised;  // trained on the publisher's classes, not this data's
      if (detector.keep_class_free_part(name, value, it->second)) ++partly_kept;
      continue;
    }
    if (it->second.sizes() != value.sizes()) {
      ++other_shape;
      continue;
    }
    it->second.copy_(value.to(it->second.dtype()));
    ++loaded;
  }
  if (loaded == 0)
    throw DataError(Location{start.path, 0, "", ""},
                    "no tensor of this file fits " + detector.family() + ": it holds another architecture");
  const std::string kept = partly_kept ? fmt::format(", {} of them keeping their class-free outputs", partly_kept) : "";
  return fmt::format("{} weights from {}: {} of the model's {} tensors loaded ({} class-layer tensors re-initialised{}, {} of "
                     "another shape, {} in the file unused)",
                     start.kind, start.path, loaded, own.size(), reinitialised, kept, other_shape, unknown);
}

std::size_t load_whole_weights(Detector& detector, const std::string& path) {
  const NamedTensors file = read_pth(path);
  std::map<std::string, const torch::Tensor*> stored;
  for (const auto& [name, value] : file.items) stored.emplace(detector.tensor_name(name), &value);
  torch::NoGradGuard no_grad;
  std::size_t loaded = 0;
  auto load = [&](const std::string& name, torch::Tensor& own) {
    auto it = stored.find(name);
    if (it == stored.end())
      throw DataError(Location{path, 0, "", name}, "the file has no tensor '" + name + "' that " + detector.family() +
                                                       " needs: it holds another architecture");
    if (it->second->sizes() != own.sizes())
      throw DataError(Location{path, 0, "", name},
                      fmt::format("tensor '{}' is {} in the file, {} in {} (another architecture or class count)", name,
                                  fmt::join(it->second->sizes(), "x"), fmt::join(own.sizes(), "x"), detector.family()));
    own.copy_(it->second->to(own.dtype()));
    ++loaded;
  };
  for (auto& p : detector.module().named_parameters(true)) load(p.key(), p.value());
  for (auto& b : detector.module().named_buffers(true)) load(b.key(), b.value());
  return loaded;
}

}  // namespace autodet::models
