#pragma once
// The dense detectors' losses as torchvision computes them. The sigmoid focal loss of RetinaNet (Lin et al. 2017) as torchvision.ops.sigmoid_focal_loss
// computes it: binary cross-entropy on logits, scaled by (1 - p_t)^gamma and weighted by alpha
// for positives and 1 - alpha for negatives (alpha < 0: no weighting).
#include <torch/types.h>

namespace autodet::models {

// Element-wise loss (no reduction) of logits against 0/1 targets of the same shape.
torch::Tensor sigmoid_focal_loss(const torch::Tensor& logits, const torch::Tensor& targets, double alpha = 0.25,
                                 double gamma = 2.0);

// torchvision.ops.generalized_box_iou_loss: 1 - GIoU of matching rows of two (N, 4) xyxy box
// tensors (eps in the IoU's and the enclosing term's denominators), element-wise -> (N).
torch::Tensor generalized_box_iou_loss(const torch::Tensor& boxes1, const torch::Tensor& boxes2, double eps = 1e-7);

}  // namespace autodet::models
