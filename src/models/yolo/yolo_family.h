#pragma once
// The yolov5 family's registry entry.
#include "models/family.h"

namespace autodet::models {

FamilySpec yolov5_family();

}  // namespace autodet::models
