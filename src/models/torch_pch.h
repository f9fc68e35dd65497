// Precompiled header for every translation unit that uses libtorch: parsing <torch/torch.h>
// takes most of a compile, so it is done once per build.
#pragma once
#include <torch/torch.h>
