#pragma once
// CSV labels, one row per box: filename,width,height,class,xmin,ymin,xmax,ymax (pixels).
// Columns are found by their header names, in any order.
#include <string>

#include "core/diagnostics.h"
#include "data/dataset.h"
#include "data/read_options.h"

namespace autodet {

Dataset read_csv(const std::string& path, const ReadOptions& opts, Diagnostics& diag);
Dataset read_csv_text(const std::string& text, const std::string& file_label, const std::string& source_dir,
                      const ReadOptions& opts, Diagnostics& diag);

// The split a CSV file's name names: "train_labels.csv" -> "train", "test..." -> "test",
// "val..." -> "validation"; "" when it names none.
std::string split_from_file_name(const std::string& path);

}  // namespace autodet
