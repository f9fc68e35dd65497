#include "models/registry.h"

#include <map>
#include <mutex>

#include <fmt/format.h>
#include <torch/torch.h>

#include "core/error.h"

namespace autodet::models {

namespace {

DetectorHandle make_yolov5(const std::string& model_size, int num_classes, std::uint64_t init_seed) {
  DetectorHandle h;
  h.model_name = "yolov5";
  h.model_size = canonical_yolov5_size(model_size);
  h.num_classes = num_classes;
  YoloV5 model(config_for_size(model_size, num_classes), init_seed);
  h.module = model.ptr();
  h.freeze_prefixes = backbone_layer_prefixes();
  return h;
}

struct Registry {
  std::mutex mutex;
  std::map<std::string, DetectorFactory> factories{{"yolov5", make_yolov5}};
};

Registry& registry() {
  static Registry r;
  return r;
}

}  // namespace

YoloV5 DetectorHandle::yolov5() const {
  auto p = std::dynamic_pointer_cast<YoloV5Impl>(module);
  return p ? YoloV5(p) : YoloV5(nullptr);
}

void register_detector(const std::string& model_name, DetectorFactory factory) {
  auto& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  r.factories[model_name] = std::move(factory);
}

std::vector<std::string> registered_detectors() {
  auto& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  std::vector<std::string> names;
  for (const auto& [name, _] : r.factories) names.push_back(name);
  return names;
}

bool is_registered_detector(const std::string& model_name) {
  auto& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  return r.factories.count(model_name) > 0;
}

DetectorHandle build_detector(const std::string& model_name, const std::string& model_size, int num_classes,
                              std::uint64_t init_seed) {
  DetectorFactory factory;
  {
    auto& r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    auto it = r.factories.find(model_name);
    if (it == r.factories.end()) {
      std::string names;
      for (const auto& [name, _] : r.factories) names += (names.empty() ? "" : ", ") + name;
      throw UsageError(fmt::format("unknown model_name '{}' (available: {})", model_name, names));
    }
    factory = it->second;
  }
  if (num_classes < 1) throw UsageError("a detector needs at least one class");
  return factory(model_size, num_classes, init_seed);
}

int freeze_layers(torch::nn::Module& module, const std::vector<std::string>& prefixes, int n) {
  if (n <= 0) return 0;
  const std::size_t count = std::min(prefixes.size(), std::size_t(n));
  int frozen = 0;
  for (auto& item : module.named_parameters(/*recurse=*/true)) {
    for (std::size_t i = 0; i < count; ++i) {
      if (item.key().rfind(prefixes[i], 0) == 0) {
        item.value().set_requires_grad(false);
        ++frozen;
        break;
      }
    }
  }
  return frozen;
}

}  // namespace autodet::models
