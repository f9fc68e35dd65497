#pragma once
// Matching of one (image, class) cell for one area range at every IoU threshold, exactly as
// pycocotools' COCOeval.evaluateImg does it.
#include <cstdint>
#include <vector>

#include "eval/coco_params.h"
#include "eval/eval_set.h"

namespace autodet::eval {

// The outcome for the detections of a cell. Bit t of a mask refers to iou_thresholds[t].
struct CellMatch {
  std::vector<std::uint32_t> matched;  // per detection, in score order: matched a ground truth
  std::vector<std::uint32_t> ignored;  // per detection: neither true nor false positive
  int gt_counted = 0;                  // ground truths that are neither crowd nor outside the area range
};

// Reusable buffers, so that matching millions of cells allocates nothing.
struct MatchScratch {
  std::vector<std::uint32_t> gt_order;
  std::vector<char> gt_ignored;
  std::vector<char> gt_taken;
};

// gts: the cell's ground truths in input order; dets: its detections sorted by score
// (already cut to maxDets.back()); ious: row d, column g = box_iou(dets[d], gts[g]).
// At most 32 IoU thresholds.
void match_cell(const std::vector<const GtBox*>& gts, const std::vector<const Detection*>& dets,
                const std::vector<double>& ious, const AreaRange& range, const std::vector<double>& iou_thresholds,
                CellMatch& out, MatchScratch& scratch);

}  // namespace autodet::eval
