#pragma once
// The images of an evaluation, worst first, as small JPEG thumbnails (data URIs) with the
// predictions drawn against the objects at one score threshold: true positives green, false
// positives red, predictions of the wrong class magenta, missed objects orange.
#include <cstddef>

#include <nlohmann/json_fwd.hpp>

#include "eval/eval_set.h"

namespace autodet::report {

struct GalleryOptions {
  double score_threshold = 0.5;   // as the confusion matrix the page opens with
  double iou_threshold = 0.5;
  std::size_t max_images = 60;    // the worst ones
  int max_side = 320;             // thumbnail size in pixels
  int jpeg_quality = 80;
  unsigned threads = 0;           // decoding; 0: one per core
};

// [{"file", "true_positives", "false_positives", "wrong_class", "missed", "image": data URI}],
// ordered by errors (false positives + wrong class + missed) descending, then by evaluation
// order. An image that cannot be read has "image": null and "error" saying why.
nlohmann::json gallery_json(const eval::EvalSet& set, const GalleryOptions& options);

}  // namespace autodet::report
