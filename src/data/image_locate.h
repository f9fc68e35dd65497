#pragma once
// Finding the image file a CSV row, COCO entry or VOC annotation names.
#include <string>

#include "core/diagnostics.h"
#include "data/read_options.h"

namespace autodet {

// Looks for `name` in opts.images_dir when set; otherwise beside the source (source_dir) and
// then in source_dir/images. Returns the path to use (which may not exist: the caller's
// image check reports that); "" with an error recorded when the name cannot be used at all.
std::string locate_image(const std::string& name, const std::string& source_dir, const ReadOptions& opts,
                         const Location& where, Diagnostics& diag);

}  // namespace autodet
