#pragma once
// Storing a network's convolution weights channels-last (NHWC). oneDNN then runs each convolution,
// and the batch norms and activations after it, in that layout, which on the CPU avoids a reorder
// of every activation in the forward and backward passes. Values are unchanged.
#include <torch/torch.h>

namespace autodet::models {

inline void store_convs_channels_last(torch::nn::Module& module) {
  torch::NoGradGuard no_grad;
  for (auto& p : module.parameters()) {
    if (p.dim() != 4) continue;
    p.set_data(p.data().contiguous(torch::MemoryFormat::ChannelsLast));
    if (p.grad().defined()) p.mutable_grad() = p.grad().contiguous(torch::MemoryFormat::ChannelsLast);
  }
}

}  // namespace autodet::models
