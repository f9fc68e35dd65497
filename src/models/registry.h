#pragma once
// The model registry: model_name -> factory building a detector of a given size and class count.
// Built-in entries are listed in registry.cpp (no static self-registration, which static
// libraries silently drop); more can be added at run time with register_detector().
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <torch/nn/module.h>

#include "models/yolo/yolov5.h"

namespace autodet::models {

// A built detector, type-erased: the module (parameters, train()/eval(), to(device), save/load)
// and what callers need without knowing its type. Use the typed accessor to run it.
struct DetectorHandle {
  std::string model_name;                    // registry key, e.g. "yolov5"
  std::string model_size;                    // canonical size, e.g. "medium" ("" when sizeless)
  int num_classes = 0;
  std::shared_ptr<torch::nn::Module> module;
  std::vector<std::string> freeze_prefixes;  // layer prefixes for layers_to_freeze, in order (R4.14)

  // The module as a YOLOv5 (an empty holder when it is something else).
  YoloV5 yolov5() const;
};

// Builds a detector: (model_size, num_classes, init_seed). Throws UsageError on a bad size.
using DetectorFactory = std::function<DetectorHandle(const std::string& model_size, int num_classes, std::uint64_t init_seed)>;

// Adds or replaces a registry entry.
void register_detector(const std::string& model_name, DetectorFactory factory);
// Registered model names, sorted.
std::vector<std::string> registered_detectors();
bool is_registered_detector(const std::string& model_name);
// Builds model_name; throws UsageError naming the registered models when it is unknown.
DetectorHandle build_detector(const std::string& model_name, const std::string& model_size, int num_classes,
                              std::uint64_t init_seed = 0);

// Freezes (requires_grad = false) every parameter under the first n prefixes; returns how many
// parameter tensors were frozen. n larger than the list freezes them all.
int freeze_layers(torch::nn::Module& module, const std::vector<std::string>& prefixes, int n);

}  // namespace autodet::models
