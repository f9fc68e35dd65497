#pragma once
// The (image, class) cells pycocotools evaluates, grouped by class: for each class, the
// images that have a ground truth or a detection of it, in evaluation order (EvalSet::order).
// Within a cell, detections are sorted by score, highest first, ties kept in input order
// (a stable sort, like pycocotools' mergesort); ground truths keep their input order.
#include <cstdint>
#include <vector>

#include "eval/eval_set.h"

namespace autodet::eval {

// One (image, class) cell: ranges into ClassCells::gts and ClassCells::dets.
struct Cell {
  std::uint32_t image = 0;  // index into EvalSet::images
  std::uint32_t gt_begin = 0, gt_end = 0;
  std::uint32_t det_begin = 0, det_end = 0;
  std::uint32_t gt_size() const { return gt_end - gt_begin; }
  std::uint32_t det_size() const { return det_end - det_begin; }
};

// All cells of one class with copies of their boxes, contiguous so that evaluating a class
// reads memory in order.
struct ClassCells {
  std::vector<Cell> cells;
  std::vector<GtBox> gts;
  std::vector<Detection> dets;
};

// Cells for every class of set (index = class id). Boxes with a class outside the class
// list are left out.
std::vector<ClassCells> group_by_class(const EvalSet& set);

}  // namespace autodet::eval
