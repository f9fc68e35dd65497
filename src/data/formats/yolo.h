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

// Writes dir/data.yaml (train/val/test folders, names in class order) and one label file per
// image, dir/labels/<split>/<stem>.txt with `class cx cy w h` normalized. The images must
// already lie in dir/images/<split>/ (Ultralytics finds labels by the image path). YOLO has no
// crowd flag: crowd boxes are left out, as Ultralytics' COCO converter does; returns how many.
std::size_t write_yolo(const SplitDataset& sd, const std::string& dir);

// The folder name of a split in a YOLO layout: train, val, test.
std::string yolo_split_folder(const std::string& split);

}  // namespace autodet
