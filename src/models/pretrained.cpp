#include "models/pretrained.h"

#include <map>

#include <fmt/format.h>
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
    const std::string name = start.prefix + stored_name;
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

}  // namespace autodet::models
