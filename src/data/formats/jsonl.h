#pragma once
// Azure AutoML JSONL: one image per line with normalized boxes (spec §1.2, R1.5-R1.9).
#include <string>

#include "core/diagnostics.h"
#include "data/dataset.h"
#include "data/read_options.h"

namespace autodet {

// Reads a JSONL file; image_url is resolved relative to the file's folder.
Dataset read_jsonl(const std::string& path, const ReadOptions& opts, Diagnostics& diag);

// Reads JSONL text already in memory. file_label names it in diagnostics; base_dir resolves
// relative image URLs.
Dataset read_jsonl_text(const std::string& text, const std::string& file_label, const std::string& base_dir,
                        const ReadOptions& opts, Diagnostics& diag);

// One line per image, compact, keys in Azure's order. image_url as stored in ImageRecord::url.
std::string to_jsonl(const Dataset& ds);

}  // namespace autodet
