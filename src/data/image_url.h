#pragma once
// Turning an `image_url` (or COCO file_name, CSV filename, VOC filename) into a local path.
// Accepted: relative to the annotation's folder, absolute, file://. Remote schemes
// (azureml://, https://, wasbs://, ...) need --image-root to map them to a local folder.
#include <string>

#include "core/diagnostics.h"
#include "data/read_options.h"

namespace autodet {

// Resolves url against base_dir. On failure records an error at `where` and returns "".
// A relative url whose normalised form leaves base_dir records "path_escapes_root".
std::string resolve_image_url(const std::string& url, const std::string& base_dir, const ReadOptions& opts,
                              const Location& where, Diagnostics& diag);

// True for URLs with a scheme other than file:// (azureml://, https://, ...).
bool is_remote_url(const std::string& url);

}  // namespace autodet
