#pragma once
// RoIAlign with torchvision's exact semantics (torchvision.ops.roi_align, its CPU kernel): each
// output bin averages a grid of bilinear samples (sampling_ratio per side, or ceil(roi size /
// bins) when it is 0); aligned=false keeps the legacy half-pixel convention and clamps the RoI
// to at least 1x1. Forward and backward are C++ loops over precomputed sample weights,
// multithreaded (forward over RoIs, backward over channels, so no two threads write one pixel).
// Channels-last input (as the FPN gives) is pooled in that layout and gives a channels-last output.
// Tensors on another device are computed on the CPU and moved back.
#include <torch/types.h>

namespace autodet::models {

// input (N, C, H, W) float or double; rois (K, 5) [batch_index, x0, y0, x1, y1] in input-image
// coordinates (times spatial_scale gives feature coordinates). Returns (K, C, pooled_h,
// pooled_w), differentiable with respect to input (rois get no gradient).
torch::Tensor roi_align(const torch::Tensor& input, const torch::Tensor& rois, double spatial_scale, int pooled_h,
                        int pooled_w, int sampling_ratio, bool aligned);

}  // namespace autodet::models
