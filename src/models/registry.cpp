#include "models/registry.h"

#include <map>
#include <mutex>

#include <fmt/format.h>
#include <torch/torch.h>

#include "core/error.h"
#include "models/fastestdet/fastestdet_family.h"
#include "models/fcos/fcos_family.h"
#include "models/rcnn/rcnn_family.h"
#include "models/retinanet/retinanet_family.h"
#include "models/yolo/yolo_family.h"

namespace autodet::models {
namespace {

struct Registry {
  std::mutex mutex;
  std::map<std::string, FamilySpec> families;
  Registry() {
    for (FamilySpec f : {yolov5_family(), fastestdet_family(), retinanet_family(), fcos_family()}) families.emplace(f.name, std::move(f));
    for (FamilySpec& f : rcnn_families()) families.emplace(f.name, std::move(f));
  }
};

Registry& registry() {
  static Registry r;
  return r;
}

}  // namespace

void register_family(FamilySpec spec) {
  auto& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  std::string name = spec.name;
  r.families[name] = std::move(spec);
}

std::vector<std::string> registered_detectors() {
  auto& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  std::vector<std::string> names;
  for (const auto& [name, _] : r.families) names.push_back(name);
  return names;
}

bool is_registered_detector(const std::string& model_name) {
  auto& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  return r.families.count(model_name) > 0;
}

const FamilySpec& family_spec(const std::string& model_name) {
  auto& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  auto it = r.families.find(model_name);
  if (it == r.families.end()) {
    std::string names;
    for (const auto& [name, _] : r.families) names += (names.empty() ? "" : ", ") + name;
    throw UsageError(fmt::format("unknown model_name '{}' (available: {})", model_name, names));
  }
  return it->second;  // entries are never erased, so the reference stays valid
}

std::unique_ptr<Detector> build_detector(const std::string& model_name, const DetectorConfig& config) {
  const FamilySpec& f = family_spec(model_name);
  if (config.num_classes < 1) throw UsageError("a detector needs at least one class");
  return f.build(config);
}

std::unique_ptr<Detector> build_detector_from(const nlohmann::json& architecture, int num_classes) {
  // Packages written before model.json named its family hold YOLOv5 (format version 1).
  const std::string name = architecture.value("model_name", "yolov5");
  DetectorConfig c;
  c.num_classes = num_classes;
  c.model_size = architecture.value("model_size", "");
  c.image_size = architecture.value("image_size", 0);
  c.architecture = architecture;
  return build_detector(name, c);
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
