#pragma once
// The registry entry of fcos_resnet50_fpn.
#include "models/family.h"

namespace autodet::models {

FamilySpec fcos_family();
// Multiply-accumulates of an FCOS ResNet-50 FPN forward pass at a square input.
double fcos_forward_macs(int image_size, int num_classes);

}  // namespace autodet::models
