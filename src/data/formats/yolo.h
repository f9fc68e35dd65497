#pragma once
// YOLO (Ultralytics) folders: data.yaml (path, train, val, test, names) + images/ + labels/,
// one `class cx cy w h` line per box, normalized; a polygon line is reduced to its box.
#include <string>
#include <vector>

#include "core/diagnostics.h"
#include "data/dataset.h"
#include "data/read_options.h"

namespace autodet {

// path: the folder holding data.yaml, or the YAML file itself.
SplitDataset read_yolo(const std::string& path, const ReadOptions& opts, Diagnostics& diag);
bool is_yolo(const std::string& path);

// Parses one label file's text for an image of width x height; boxes are appended to rec.
void read_yolo_labels(const std::string& text, const std::string& file_label, const std::vector<std::string>& names,
                      Diagnostics& diag, ImageRecord& rec);

}  // namespace autodet
