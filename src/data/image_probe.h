#pragma once
// Settling an image's true size and format from its file, as ReadOptions::image_check asks,
// and reporting missing, corrupt, oversized or mis-described images.
#include "core/diagnostics.h"
#include "data/dataset.h"
#include "data/read_options.h"

namespace autodet {

// rec.path must be resolved. declared_w/h: the size the annotation states (0 = none).
// Sets rec.width/height/format. Returns false (error recorded at `where`) when the image is
// unusable; a declared size that disagrees with the file is a warning and the file wins.
bool settle_image(ImageRecord& rec, int declared_w, int declared_h, const ReadOptions& opts, const Location& where,
                  Diagnostics& diag);

}  // namespace autodet
