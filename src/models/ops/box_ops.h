#pragma once
// Box conversions and IoU variants on torch tensors (any device, any floating dtype).
// Pairwise matrices follow torchvision.ops (box_iou, generalized_box_iou, distance_box_iou,
// complete_box_iou); the aligned (element-wise) version follows Ultralytics' bbox_iou, used by losses.
#include <cstdint>

#include <torch/types.h>

namespace autodet::models {

// (..., 4) [cx, cy, w, h] -> (..., 4) [x0, y0, x1, y1].
torch::Tensor xywh_to_xyxy(const torch::Tensor& boxes);
// (..., 4) [x0, y0, x1, y1] -> (..., 4) [cx, cy, w, h].
torch::Tensor xyxy_to_xywh(const torch::Tensor& boxes);
// (N, 4) xyxy -> (N) areas (x1 - x0) * (y1 - y0).
torch::Tensor box_area(const torch::Tensor& boxes);

// (N, 4) xyxy boxes clipped to an h x w image; torchvision.ops.clip_boxes_to_image.
torch::Tensor clip_boxes_to_image(const torch::Tensor& boxes, std::int64_t h, std::int64_t w);
// Indices of the (N, 4) xyxy boxes with both sides >= min_size; torchvision.ops.remove_small_boxes.
torch::Tensor remove_small_boxes(const torch::Tensor& boxes, double min_size);

// Pairwise IoU of (N, 4) and (M, 4) xyxy boxes -> (N, M); torchvision.ops.box_iou.
torch::Tensor box_iou(const torch::Tensor& boxes1, const torch::Tensor& boxes2);
// Pairwise generalized IoU -> (N, M); torchvision.ops.generalized_box_iou.
torch::Tensor generalized_box_iou(const torch::Tensor& boxes1, const torch::Tensor& boxes2);
// Pairwise distance IoU -> (N, M); torchvision.ops.distance_box_iou.
torch::Tensor distance_box_iou(const torch::Tensor& boxes1, const torch::Tensor& boxes2, double eps = 1e-7);
// Pairwise complete IoU -> (N, M); torchvision.ops.complete_box_iou.
torch::Tensor complete_box_iou(const torch::Tensor& boxes1, const torch::Tensor& boxes2, double eps = 1e-7);

// Which IoU an aligned computation returns.
enum class IouKind { IoU, GIoU, DIoU, CIoU };

// Element-wise IoU of matching rows of two (N, 4) box tensors (or broadcastable shapes) -> (N).
// Boxes are xywh when `xywh` is true, else xyxy. Semantics (eps placement, CIoU alpha computed
// without gradient) are Ultralytics' bbox_iou, so the YOLOv5 loss is reproduced exactly.
torch::Tensor aligned_box_iou(const torch::Tensor& box1, const torch::Tensor& box2, IouKind kind, bool xywh,
                              double eps = 1e-7);

}  // namespace autodet::models
