#pragma once
// Numeric precision of training and inference: `auto` picks bfloat16 autocast on CUDA and on a
// CPU with AMX, fp32 elsewhere. (On an AVX512-BF16 CPU without AMX, libtorch 1.13's bf16 training
// step measured slower than fp32: YOLOv5s 320 px 8.3 vs 11.1 images/s; see bench_train_step.)
#include <string>

#include <torch/types.h>

namespace autodet {

enum class Precision { FP32, BF16 };

// "auto" | "fp32" | "bf16"; throws UsageError for anything else.
Precision resolve_precision(const std::string& name, const torch::Device& device);
std::string precision_name(Precision p);
// True when this CPU has AVX512-BF16 or AMX-BF16 instructions.
bool cpu_has_native_bf16();
// True when this CPU has AMX-BF16 tile instructions.
bool cpu_has_amx_bf16();

// Enables bf16 autocast for its lifetime (no-op for FP32); restores the previous state.
class AutocastScope {
 public:
  AutocastScope(Precision p, const torch::Device& device);
  ~AutocastScope();
  AutocastScope(const AutocastScope&) = delete;
  AutocastScope& operator=(const AutocastScope&) = delete;

 private:
  bool active_ = false;
  bool cuda_ = false;
  bool prev_enabled_ = false;
};

}  // namespace autodet
