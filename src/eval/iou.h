#pragma once
// Box IoU exactly as pycocotools computes it (maskApi.c bbIou): no +1 pixel, and against a
// crowd ground truth the union is the detection's own area, so a crowd region can absorb
// many detections.
#include <cmath>

#include "eval/eval_set.h"

namespace autodet::eval {

inline double box_iou(const XYWH& det, const XYWH& gt, bool gt_crowd) {
  const double w = std::fmin(det.w + det.x, gt.w + gt.x) - std::fmax(det.x, gt.x);
  if (w <= 0) return 0;
  const double h = std::fmin(det.h + det.y, gt.h + gt.y) - std::fmax(det.y, gt.y);
  if (h <= 0) return 0;
  const double inter = w * h;
  const double det_area = det.w * det.h;
  const double uni = gt_crowd ? det_area : det_area + gt.w * gt.h - inter;
  return inter / uni;
}

}  // namespace autodet::eval
