#include "data/formats/write_util.h"

#include <cctype>
#include <set>

#include <fmt/format.h>

#include "core/fs.h"

namespace autodet {

std::string image_reference(const std::string& image_path, const std::string& base_dir) {
  const std::string rel = relative_path(image_path, base_dir);
  return stays_inside(rel) ? rel : absolute_path(image_path);
}

std::vector<std::string> unique_file_names(const std::vector<const ImageRecord*>& images) {
  std::vector<std::string> out;
  std::set<std::string> taken;
  for (const ImageRecord* im : images) {
    std::string name = file_name(im->path);
    for (char& c : name)
      if (std::isspace(static_cast<unsigned char>(c))) c = '_';  // VOC split lists end an id at a space
    const std::string base = stem(name), ext = name.substr(base.size());
    std::string candidate = base;  // stems unique too: a VOC or YOLO label file is named by it
    for (int k = 2; !taken.insert(candidate).second; ++k) candidate = fmt::format("{}_{}", base, k);
    out.push_back(candidate + ext);
  }
  return out;
}

std::string exact_number(double v) { return fmt::format("{}", v); }

}  // namespace autodet
