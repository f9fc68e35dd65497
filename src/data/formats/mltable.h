#pragma once
// Azure MLTable folders (spec §1.4, R1.17-R1.21): an `MLTable` YAML file naming JSONL files
// and the transformations read_json_lines and convert_column_types. Any other transformation
// is refused with NotSupportedError, never silently ignored.
#include <string>

#include "core/diagnostics.h"
#include "data/dataset.h"
#include "data/read_options.h"

namespace autodet {

// path: the folder holding `MLTable`, or the MLTable file itself.
Dataset read_mltable(const std::string& path, const ReadOptions& opts, Diagnostics& diag);

// True when path is a folder with an MLTable file, or an MLTable file.
bool is_mltable(const std::string& path);

struct WriteOptions {
  // Copy image files into <dir>/images/ and refer to them relatively, so the folder is
  // self-contained; otherwise image_url is the absolute path of the source image.
  bool copy_images = false;
};

// Writes <dir>/<jsonl_name> and <dir>/MLTable (the exact form Azure's samples use).
// Images must have resolved paths and known sizes.
void write_mltable_folder(const Dataset& ds, const std::string& dir, const std::string& jsonl_name,
                          const WriteOptions& opts = {});

// The MLTable YAML text for one JSONL file.
std::string mltable_yaml(const std::string& jsonl_name);

}  // namespace autodet
