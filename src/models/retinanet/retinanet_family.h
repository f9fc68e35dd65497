#pragma once
// The registry entry of retinanet_resnet50_fpn.
#include "models/family.h"

namespace autodet::models {

FamilySpec retinanet_family();
// Multiply-accumulates of a RetinaNet ResNet-50 FPN forward pass at a square input.
double retinanet_forward_macs(int image_size, int num_classes);

}  // namespace autodet::models
