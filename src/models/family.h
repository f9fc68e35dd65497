#pragma once
// A detector family's entry in the registry (llama.cpp's architecture table): how to build it,
// its defaults, which job hyperparameters apply, AutoMode's cost model and where its pretrained
// weights come from. Each family's folder defines one function returning its FamilySpec.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/detector.h"

namespace autodet::models {

// What a detector is built from. `architecture` is a package's model.json when rebuilding a
// trained model (it wins over the other fields), empty for a new one.
struct DetectorConfig {
  std::string model_size;  // "" = the family's default
  int num_classes = 1;
  int image_size = 0;      // 0 = the family's default
  int min_size = 0, max_size = 0;  // R-CNN resize (R4.1); 0 = the family's default
  // Published weights will be loaded before training. torchvision then freezes its ResNets'
  // BatchNorm; from random weights their BatchNorm trains (a frozen one cannot normalise).
  bool pretrained = false;
  std::uint64_t init_seed = 0;
  nlohmann::json architecture = nlohmann::json::object();
};

// One set of published weights a family can start from.
struct WeightSource {
  std::string kind;      // "coco" (the whole detector) | "imagenet" (the backbone only)
  std::string model_size;  // the size they fit ("" when sizeless)
  std::string file;      // file name in the weights folder ($AUTODET_WEIGHTS)
  std::string url;       // where the publisher serves it
  std::string sha256;    // full hash, or the prefix the publisher gives
  std::string licence;
  std::string prefix;    // prepended to the file's tensor names to give the model's ("backbone.")
  std::vector<std::string> classes;  // the classes of a detector checkpoint, in index order
};

// One family.
struct FamilySpec {
  std::string name;                  // model_name
  std::vector<std::string> sizes;    // canonical sizes, empty when sizeless
  std::string default_size;
  Preprocess preprocess;             // defaults (image_size, resize, normalisation)
  // Job hyperparameters (spec §4 names) that this family uses; others are refused or ignored.
  std::vector<std::string> hyperparameters;
  // Training defaults the family wants over the job defaults (learning_rate, optimizer, ...).
  nlohmann::json training_defaults = nlohmann::json::object();
  std::vector<WeightSource> weights;
  // Multiply-accumulates of one forward pass of one image at image_size (AutoMode's cost model:
  // training time ~ 3 x MACs x images x epochs / measured speed).
  std::function<double(const std::string& model_size, int image_size, int num_classes)> forward_macs;
  // Seconds a training MAC of this family takes over one of YOLOv5's (which the throughput probe
  // times): depthwise and channel-shuffle layers do little arithmetic per byte moved, so the same
  // MAC count trains slower. Measured on raccoon, 2 cores (docs/automode.md).
  double mac_time_factor = 1.0;
  std::function<std::unique_ptr<Detector>(const DetectorConfig&)> build;
};

}  // namespace autodet::models
