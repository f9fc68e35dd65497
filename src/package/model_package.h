#pragma once
// The model package a trial produces and `predict`/`serve`/`export` read:
//   model.pt                  weights (EMA for YOLO) with the architecture in its metadata
//   model.json                architecture: format_version, model_name, model_size, classes,
//                             image size, preprocessing, family specifics (YOLOv5's anchors)
//   labels.json               class list in index order (R6.7); for torchvision's detectors
//                             (model.json labels_offset 1) "--bg--" first, so that network
//                             label i is labels.json[i]
//   settings.json             inference settings (§7.3), editable before loading (R6.9)
//   per_label_metrics.json    per class, per evaluation: precision, recall, AP (R6.4)
//   metrics.json              the best epoch's metrics and the training summary
// A package is written into a temporary folder and renamed into place, so a reader never sees
// half of one.
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/detector.h"

namespace autodet {

// The package layout version model.json records. 1: YOLOv5-only packages, which carried no
// version (still read); 2: any family, model.json says which and how its inputs are made.
constexpr int kPackageFormatVersion = 2;

// model.json of a detector: its architecture() with the format version.
nlohmann::json package_architecture(const models::Detector& detector);

// Azure's background entry of the R-CNN class list (R1.10).
inline constexpr const char* kBackgroundLabel = "--bg--";
// labels.json's list for the data's classes: "--bg--" first when the network's labels are offset
// by one; and back (a labels.json without it, from older packages, is taken as it is).
std::vector<std::string> labels_file(const nlohmann::json& architecture, const std::vector<std::string>& labels);
std::vector<std::string> data_labels(const nlohmann::json& architecture, std::vector<std::string> labels);

struct ModelPackage {
  nlohmann::json architecture;      // model.json
  std::vector<std::string> labels;  // the data's classes (labels.json without "--bg--")
  nlohmann::json settings;          // settings.json
  nlohmann::json per_label_metrics;
  nlohmann::json metrics;
};

// Writes the package to dir (replacing an older one); write_weights(path) writes model.pt.
void write_model_package(const std::string& dir, const ModelPackage& package,
                         const std::function<void(const std::string& weights_path)>& write_weights);

// Reads the JSON parts of a package (not the weights). Throws Error naming the missing file.
ModelPackage read_model_package(const std::string& dir);

// Copies a finished package folder to dir atomically (used for a job's best_model/).
void copy_model_package(const std::string& from, const std::string& to);

}  // namespace autodet
