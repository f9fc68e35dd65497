#pragma once
// What every label writer shares: how an image file is named from the annotation's folder, and
// how a coordinate is printed so that reading it back gives the same double.
#include <string>
#include <vector>

#include "data/dataset.h"

namespace autodet {

// image_path relative to base_dir when it lies inside it, its absolute path otherwise.
std::string image_reference(const std::string& image_path, const std::string& base_dir);

// The shortest text that reads back as exactly v ("48", "0.17234468937875752").
std::string exact_number(double v);

// One file name per image whose stems are unique among them: the image's own name (white
// space read as '_'), or "<stem>_2.<ext>", "<stem>_3.<ext>", ... for a second image of the same stem.
std::vector<std::string> unique_file_names(const std::vector<const ImageRecord*>& images);

}  // namespace autodet
