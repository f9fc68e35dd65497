#pragma once
// The evaluation part of a report's data, from an evaluation record (eval/evaluation_record.h):
// the record's metrics and confusion matrices as they are, the PR curves thinned for plotting,
// and the gallery of the worst images.
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "report/gallery.h"

namespace autodet::report {

// {"file", "epoch" (null outside training), "metrics" (the record's, without pr_curves),
//  "pr_curves": {class: {"recall": [...], "precision": [...]}}, "confusion_thresholds": [...],
//  "confusion_matrices": {...}, "initial_threshold", "gallery_threshold", "gallery": [...]}.
// file names the record in errors.
nlohmann::json evaluation_section(const nlohmann::json& record, const std::string& file, const GalleryOptions& gallery);

}  // namespace autodet::report
