#pragma once
// Choosing the torch::Device a job runs on ("auto", "cpu", "cuda", "cuda:1").
#include <string>

#include <torch/types.h>

namespace autodet {

// "auto" picks the first CUDA device when one is present, else the CPU.
// Throws UsageError for an unknown name or a CUDA device that is not there.
torch::Device parse_device(const std::string& name);

// One line describing the libtorch build, threads and devices (for `autodet info`).
std::string torch_runtime_summary();

}  // namespace autodet
