#pragma once
// COCO detection JSON (images / annotations / categories), spec R1.13 and R1.28.
#include <string>

#include "core/diagnostics.h"
#include "data/dataset.h"
#include "data/read_options.h"

namespace autodet {

// Reads a COCO file; file_name is looked up under opts.images_dir, else beside the file.
Dataset read_coco(const std::string& path, const ReadOptions& opts, Diagnostics& diag);
Dataset read_coco_text(const std::string& text, const std::string& file_label, const std::string& source_dir,
                       const ReadOptions& opts, Diagnostics& diag);

// COCO JSON for ds: image ids 1..N in dataset order, category ids 1..K in sorted class order,
// bbox [x,y,w,h] in pixels. file_name is relative to base_dir when the image lies inside it,
// absolute otherwise.
std::string to_coco_json(const Dataset& ds, const std::string& base_dir);

// Writes to_coco_json(ds, folder of path) atomically.
void write_coco(const Dataset& ds, const std::string& path);

}  // namespace autodet
