#pragma once
// CSV labels, one row per box: filename,width,height,class,xmin,ymin,xmax,ymax (pixels), and
// an optional iscrowd column (0/1). Columns are found by their header names, in any order. A row
// with an empty class and empty coordinates lists an image without boxes.
#include <string>

#include "core/diagnostics.h"
#include "data/dataset.h"
#include "data/read_options.h"

namespace autodet {

Dataset read_csv(const std::string& path, const ReadOptions& opts, Diagnostics& diag);
Dataset read_csv_text(const std::string& text, const std::string& file_label, const std::string& source_dir,
                      const ReadOptions& opts, Diagnostics& diag);

// CSV text for ds with the header filename,width,height,class,xmin,ymin,xmax,ymax,iscrowd;
// filename is relative to base_dir when the image lies inside it, absolute otherwise.
std::string to_csv(const Dataset& ds, const std::string& base_dir);
// Writes to_csv(ds, folder of path) atomically.
void write_csv(const Dataset& ds, const std::string& path);

// The split a CSV file's name names: "train_labels.csv" -> "train", "test..." -> "test",
// "val..." -> "validation"; "" when it names none.
std::string split_from_file_name(const std::string& path);

}  // namespace autodet
