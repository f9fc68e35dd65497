#pragma once
// The model registry: model_name -> the family's entry (models/family.h). Built-in families are
// listed in registry.cpp (no static self-registration, which static libraries silently drop);
// tests may add entries at run time.
#include <memory>
#include <string>
#include <vector>

#include "models/family.h"

namespace autodet::models {

// Adds or replaces a family.
void register_family(FamilySpec spec);
// Registered model names, sorted.
std::vector<std::string> registered_detectors();
bool is_registered_detector(const std::string& model_name);
// The family's entry; throws UsageError naming the registered models when unknown.
const FamilySpec& family_spec(const std::string& model_name);

// Builds a new detector; throws UsageError on an unknown name or size, or fewer than one class.
std::unique_ptr<Detector> build_detector(const std::string& model_name, const DetectorConfig& config);
// Rebuilds the detector a model.json describes (family from its "model_name").
std::unique_ptr<Detector> build_detector_from(const nlohmann::json& architecture, int num_classes);

// Freezes (requires_grad = false) every parameter under the first n prefixes; returns how many
// parameter tensors were frozen. n larger than the list freezes them all.
int freeze_layers(torch::nn::Module& module, const std::vector<std::string>& prefixes, int n);

}  // namespace autodet::models
