#pragma once
// Train/validation split (R1.24): a seeded, deterministic random hold-out of the training
// images. A validation split that is already there always wins.
#include <cstdint>

#include "data/dataset.h"

namespace autodet {

// Moves round(fraction * n) training images (at least 1 when n >= 2) into "validation".
// The choice depends only on (sorted image URLs, fraction, seed). fraction in (0, 1).
// Does nothing when sd already has a non-empty validation split.
void split_validation(SplitDataset& sd, double fraction, std::uint64_t seed);

}  // namespace autodet

#include <map>
#include <string>

#include "core/diagnostics.h"

namespace autodet {

// Re-splits sd by lists: split name ("train", "validation"/"val", "test") -> file with one
// image id per line (file stem, file name or image URL). Images in no list go to "train"
// with a warning; ids that match no image are warned about.
void apply_split_lists(SplitDataset& sd, const std::map<std::string, std::string>& lists, Diagnostics& diag);

}  // namespace autodet
