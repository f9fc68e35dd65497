#pragma once
// The rules every reader applies to a box, in one place (documented in docs/data.md):
//  - normalized boxes (JSONL, YOLO): valid iff all four values are in [0,1] and top-left is
//    strictly above/left of bottom-right (R1.7); an invalid box is dropped with a warning;
//  - pixel boxes (VOC, COCO, CSV): a box running past the image border is clamped to the
//    image with a warning; an inverted or empty box (after clamping) is dropped with a warning.
#include <optional>
#include <string>

#include "core/diagnostics.h"
#include "data/dataset.h"

namespace autodet {

// Normalized corners -> pixel Box, or nullopt (warning added) when invalid.
std::optional<Box> normalized_to_box(double top_x, double top_y, double bottom_x, double bottom_y,
                                     int width, int height, const Location& where, Diagnostics& diag);

// Pixel corners checked against an image of width x height (0 = unknown: no border check).
std::optional<Box> checked_pixel_box(double x0, double y0, double x1, double y1, int width, int height,
                                     const Location& where, Diagnostics& diag);

// Formats a number for messages without trailing zeros ("0.25", "640").
std::string num(double v);

}  // namespace autodet
