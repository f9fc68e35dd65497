#pragma once
// Reads one model's predictions for an EvalSet: either batch-prediction JSONL (one
// {"filename": ..., "boxes": [{"box": {topX, topY, bottomX, bottomY}, "label", "score"}]}
// per line, coordinates normalized to [0, 1], spec §7.4) or a COCO results JSON
// ([{image_id, category_id, bbox: [x, y, w, h] in pixels, score}]).
//
// Errors (DataError naming file, line or element, and field): invalid JSON, an image or
// label the dataset does not have, an image named twice, a missing, non-finite or negative
// score, a non-finite coordinate, an inverted box (bottom < top) or a negative COCO size.
// Normalized coordinates outside [0, 1] are clamped into it and counted.
#include <cstddef>
#include <string>

#include "core/error.h"
#include "eval/coco_ids.h"
#include "eval/eval_set.h"

namespace autodet::eval {

enum class PredictionsFormat {
  Auto,         // a file whose first non-blank character is '[' is COCO results, otherwise JSONL
  BatchJsonl,
  CocoResults,
};

// What was read, for the caller to report.
struct PredictionsSummary {
  PredictionsFormat format = PredictionsFormat::Auto;
  std::size_t detections = 0;
  std::size_t images_with_predictions = 0;
  std::size_t images_without_predictions = 0;  // dataset images no prediction names (all their objects are missed)
  std::size_t clamped_boxes = 0;               // JSONL boxes with a coordinate outside [0, 1]
  Location first_clamped;
};

// Replaces the detections of set's images with those in the file.
PredictionsSummary read_predictions(const std::string& path, PredictionsFormat format, const CocoIdMap& ids,
                                    EvalSet& set);
PredictionsSummary read_batch_predictions(const std::string& text, const std::string& file_label, EvalSet& set);
PredictionsSummary read_coco_results(const std::string& text, const std::string& file_label, const CocoIdMap& ids,
                                     EvalSet& set);

}  // namespace autodet::eval
