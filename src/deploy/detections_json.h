#pragma once
// Detections as the Azure scoring schema writes them (spec §7.2, R7.4):
//   {"boxes": [{"box": {"topX", "topY", "bottomX", "bottomY"}, "label", "score"}]}
// with normalized coordinates; the batch-prediction line adds "filename" first. This is the
// format `autodet evaluate --predictions` reads.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "package/detection.h"

namespace autodet {

// {"boxes": [...]} for one image; detections normalized, cls indexing labels.
nlohmann::ordered_json detections_json(const ImageDetections& detections, const std::vector<std::string>& labels);

// One JSONL line (no newline): {"filename": ..., "boxes": [...]}.
std::string prediction_line(const std::string& filename, const ImageDetections& detections,
                            const std::vector<std::string>& labels);

}  // namespace autodet
