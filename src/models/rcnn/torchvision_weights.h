#pragma once
// Where torchvision's published weights come from, for every family built on its ResNet
// backbones: the ImageNet ResNet files (tensors below backbone.body.) and its 91-entry COCO
// label map.
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

}  // namespace autodet::models
