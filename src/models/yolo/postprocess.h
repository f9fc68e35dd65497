#pragma once
// YOLOv5 post-processing (Ultralytics' non_max_suppression): score = objectness x class
// probability, candidates with score strictly above the threshold (spec R6.2), class-aware NMS,
// at most `max_detections` per image.
#include <vector>

#include <torch/types.h>

namespace autodet::models {

// Options of YOLOv5 NMS; defaults are the Azure YOLOv5 inference defaults.
struct YoloNmsOptions {
  double score_threshold = 0.1;  // box_score_threshold: keep score > this
  double iou_threshold = 0.5;    // nms_iou_threshold: suppress IoU > this
  int max_detections = 300;      // box_detections_per_image
  bool multi_label = false;      // one row per (box, class) with score above the threshold
  bool agnostic = false;         // NMS across classes
  int max_nms = 30000;           // at most this many highest-scoring candidates go into NMS
};

// prediction: (B, N, 5 + nc) decoded output of YoloV5::predict (xywh pixels, obj, class probs).
// Returns per image an (M, 6) float tensor [x0, y0, x1, y1, score, class] in input pixels, sorted
// by decreasing score, on the prediction's device.
std::vector<torch::Tensor> yolo_non_max_suppression(const torch::Tensor& prediction, const YoloNmsOptions& options = {});

}  // namespace autodet::models
