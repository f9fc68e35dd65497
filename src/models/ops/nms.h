#pragma once
// Non-maximum suppression with torchvision's exact semantics: boxes are xyxy, sorted by score
// (descending, stable, so ties keep index order); a box is suppressed by a kept box when their
// IoU is strictly greater than the threshold. Runs on the CPU; tensors on another device are
// copied there and the result is returned on the input's device.
#include <torch/types.h>

namespace autodet::models {

// Indices (int64) of kept boxes, by decreasing score. torchvision.ops.nms.
torch::Tensor nms(const torch::Tensor& boxes, const torch::Tensor& scores, double iou_threshold);

// Class-aware NMS via the coordinate offset (boxes + idx * (max coordinate + 1)), bit-identical to
// torchvision.ops.batched_nms for inputs up to 1000 boxes (torchvision then switches to a per-class
// loop, which differs from the offset only through float rounding). Like torchvision it assumes
// non-negative coordinates.
torch::Tensor batched_nms(const torch::Tensor& boxes, const torch::Tensor& scores, const torch::Tensor& idxs,
                          double iou_threshold);

// torchvision.ops.batched_nms as it dispatches on the CPU: the coordinate offset (batched_nms)
// up to 1000 boxes, exact per-class NMS (per_class_nms) above; indices by decreasing score.
torch::Tensor torchvision_batched_nms(const torch::Tensor& boxes, const torch::Tensor& scores, const torch::Tensor& idxs,
                                      double iou_threshold);

// Class-aware NMS computed exactly per class (no offset, so no rounding and no cross-class
// interaction for any coordinates), and faster: boxes of different classes are never compared.
// Same result as batched_nms whenever the offset introduces no rounding.
torch::Tensor per_class_nms(const torch::Tensor& boxes, const torch::Tensor& scores, const torch::Tensor& idxs,
                            double iou_threshold);

}  // namespace autodet::models
