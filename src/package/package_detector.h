#pragma once
// The detector a model package holds: its family rebuilt from model.json and model.pt's weights
// loaded, after checking that this autodet knows the family and that model.json and labels.json
// agree on the classes. What predicting from and exporting a package both start with.
#include <memory>
#include <string>

#include "models/detector.h"
#include "package/model_package.h"

namespace autodet {

// `package` is read_model_package(dir). The detector is on the CPU, in the state the weights left
// it (call eval() before inference). Throws NotSupportedError or DataError naming model.json.
std::unique_ptr<models::Detector> load_package_detector(const std::string& dir, const ModelPackage& package);

}  // namespace autodet
