#include "train/precision.h"

#include <cpuid.h>

#include <ATen/autocast_mode.h>
#include <torch/version.h>

#include "core/error.h"

namespace autodet {

bool cpu_has_native_bf16() {
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (__get_cpuid_max(0, nullptr) < 7) return false;
  __cpuid_count(7, 1, a, b, c, d);
  const bool avx512_bf16 = (a >> 5) & 1u;
  __cpuid_count(7, 0, a, b, c, d);
  const bool amx_bf16 = (d >> 22) & 1u;
  return avx512_bf16 || amx_bf16;
}

bool cpu_has_amx_bf16() {
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (__get_cpuid_max(0, nullptr) < 7) return false;
  __cpuid_count(7, 0, a, b, c, d);
  return (d >> 22) & 1u;
}

Precision resolve_precision(const std::string& name, const torch::Device& device) {
  if (name == "fp32") return Precision::FP32;
  if (name == "bf16") return Precision::BF16;
  if (name == "auto") return (device.is_cuda() || cpu_has_amx_bf16()) ? Precision::BF16 : Precision::FP32;
  throw UsageError("unknown precision '" + name + "' (auto, fp32, bf16)");
}

std::string precision_name(Precision p) { return p == Precision::BF16 ? "bf16" : "fp32"; }

// libtorch 2.4 replaced the per-device autocast setters with device-type arguments.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
#define AUTODET_AUTOCAST_NEW_API 1
#endif

AutocastScope::AutocastScope(Precision p, const torch::Device& device) {
  if (p != Precision::BF16) return;
  active_ = true;
  cuda_ = device.is_cuda();
#ifdef AUTODET_AUTOCAST_NEW_API
  const auto type = cuda_ ? at::kCUDA : at::kCPU;
  prev_enabled_ = at::autocast::is_autocast_enabled(type);
  at::autocast::set_autocast_dtype(type, at::kBFloat16);
  at::autocast::set_autocast_enabled(type, true);
#else
  if (cuda_) {
    prev_enabled_ = at::autocast::is_enabled();
    at::autocast::set_autocast_gpu_dtype(at::kBFloat16);
    at::autocast::set_enabled(true);
  } else {
    prev_enabled_ = at::autocast::is_cpu_enabled();
    at::autocast::set_autocast_cpu_dtype(at::kBFloat16);
    at::autocast::set_cpu_enabled(true);
  }
#endif
}

AutocastScope::~AutocastScope() {
  if (!active_) return;
#ifdef AUTODET_AUTOCAST_NEW_API
  at::autocast::set_autocast_enabled(cuda_ ? at::kCUDA : at::kCPU, prev_enabled_);
#else
  if (cuda_) at::autocast::set_enabled(prev_enabled_);
  else at::autocast::set_cpu_enabled(prev_enabled_);
#endif
  if (!prev_enabled_) at::autocast::clear_cache();
}

}  // namespace autodet
