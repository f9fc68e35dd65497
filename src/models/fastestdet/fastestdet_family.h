#pragma once
#include "models/family.h"

namespace autodet::models {

// The fastestdet registry entry: sizeless, 352-pixel stretched input, COCO and ImageNet weights.
FamilySpec fastestdet_family();

// FastestDet's multiply-accumulates for one image at image_size (convolutions only).
double fastestdet_forward_macs(int image_size, int num_classes);

}  // namespace autodet::models
