#include "models/device.h"

#include <algorithm>
#include <thread>

#include <fmt/format.h>

#include <torch/cuda.h>
#include <torch/version.h>

#include "core/error.h"
#include "models/cpu_allocator.h"

namespace autodet {

torch::Device parse_device(const std::string& name) {
  if (name == "auto") return torch::cuda::is_available() ? torch::Device(torch::kCUDA, 0) : torch::Device(torch::kCPU);
  if (name == "cpu") return torch::Device(torch::kCPU);
  if (name.rfind("cuda", 0) == 0) {
    int index = 0;
    if (name.size() > 4) {
      if (name[4] != ':') throw UsageError("unknown device '" + name + "' (auto, cpu, cuda, cuda:N)");
      try {
        index = std::stoi(name.substr(5));
      } catch (const std::exception&) {
        throw UsageError("bad CUDA device index in '" + name + "'");
      }
    }
    if (!torch::cuda::is_available()) throw UsageError("device '" + name + "' asked for, but no CUDA device is available");
    if (index < 0 || index >= int(torch::cuda::device_count()))
      throw UsageError(fmt::format("device '{}' asked for, but only {} CUDA device(s) exist", name, torch::cuda::device_count()));
    return torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(index));
  }
  throw UsageError("unknown device '" + name + "' (auto, cpu, cuda, cuda:N)");
}

std::string torch_runtime_summary() {
  // Training sets its thread count when it starts (one per hardware thread unless told otherwise);
  // at::get_num_threads() before that says only what this process has been given so far.
  return fmt::format("libtorch {}.{}.{}, training on {} threads by default, CUDA devices: {}, CPU tensors {}",
                     TORCH_VERSION_MAJOR, TORCH_VERSION_MINOR, TORCH_VERSION_PATCH,
                     std::max(1u, std::thread::hardware_concurrency()),
                     torch::cuda::is_available() ? torch::cuda::device_count() : 0,
                     models::huge_page_allocator_in_use() ? "on transparent huge pages" : "on ordinary pages");
}

}  // namespace autodet
