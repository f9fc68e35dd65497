#pragma once
// The registry entries of the R-CNN families (fasterrcnn_resnet{18,34,50,101,152}_fpn).
#include <vector>

#include "models/family.h"

namespace autodet::models {

std::vector<FamilySpec> rcnn_families();
// Multiply-accumulates of a Faster R-CNN ResNet-depth FPN forward pass at a square input.
double faster_rcnn_forward_macs(int depth, int image_size, int num_classes);

}  // namespace autodet::models
