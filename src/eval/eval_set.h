#pragma once
// The evaluator's input: per image the ground-truth boxes and one model's detections, with
// class names resolved to indices. Boxes are stored as pycocotools stores them (x, y, w, h
// in pixels) so that IoU and areas are computed with exactly its arithmetic.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "data/dataset.h"

namespace autodet::eval {

// An axis-aligned box: top-left corner and size, in pixels.
struct XYWH {
  double x = 0, y = 0, w = 0, h = 0;
  double area() const { return w * h; }
};

// A ground-truth box. Crowd boxes (Azure isCrowd, COCO iscrowd, VOC difficult) are ignored.
struct GtBox {
  XYWH box;
  int cls = 0;
  bool crowd = false;
};

// A predicted box with its class index and confidence score.
struct Detection {
  XYWH box;
  int cls = 0;
  double score = 0;
};

// One image: where it is (to match prediction files) and what is in it.
struct EvalImage {
  std::int64_t id = 0;  // COCO image id; metrics visit images in increasing id, as pycocotools does
  std::string url;      // as written in the dataset
  std::string path;     // resolved local path ("" when unknown)
  int width = 0;        // pixels; 0 when unknown
  int height = 0;
  std::vector<GtBox> gts;
  std::vector<Detection> dets;
};

// All images of an evaluation and the class list (index = class id).
struct EvalSet {
  std::vector<std::string> classes;
  std::vector<EvalImage> images;

  // Index of a class name, or -1.
  int class_index(const std::string& name) const;
  // Image indices in evaluation order: by id, ties in list order.
  std::vector<std::size_t> order() const;
  std::size_t gt_count() const;
  std::size_t det_count() const;
};

// Ground truth of a dataset: classes = data.classes() (sorted), image ids 1..N in dataset
// order, no detections.
EvalSet eval_set_from_dataset(const Dataset& data);

// Keeps only detections with score > threshold (R6.2, `box_score_threshold`).
void keep_scores_above(EvalSet& set, double threshold);

}  // namespace autodet::eval
