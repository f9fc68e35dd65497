#pragma once
// Where torchvision's published weights come from, for every family built on its ResNet
// backbones: the ImageNet ResNet files (tensors below backbone.body.) and its 91-entry COCO
// label map; and the input settings they share.
#include <string>
#include <vector>

#include "models/family.h"

namespace autodet::models {

// torchvision's COCO label map without "__background__" (index 0): class i is network label i + 1.
// "N/A" marks the ids COCO left unused.
std::vector<std::string> torchvision_coco_labels();

// torchvision's ImageNet ResNet-<depth> file as a weight source of a detector whose backbone is
// at backbone.body. (depth 18, 34, 50, 101 or 152).
WeightSource torchvision_imagenet_resnet(int depth);

// A COCO detector file published by torchvision (file name as download.pytorch.org has it; its
// suffix is the sha256 prefix torchvision checks).
WeightSource torchvision_coco_detector(const std::string& file);

// The input and BatchNorm settings every torchvision detector takes from a DetectorConfig (its
// stored architecture first): min_size / max_size (600 / 1333), the loader's square input
// (min_size rounded up to 32; UsageError naming min_size otherwise), scoring at native size, and
// BatchNorm that trains when starting from random weights.
struct TorchvisionInput {
  int min_size = 600, max_size = 1333, image_size = 608;
  bool native_input = false, trainable_bn = false;
};
TorchvisionInput torchvision_input(const DetectorConfig& config, const std::string& family);

}  // namespace autodet::models
