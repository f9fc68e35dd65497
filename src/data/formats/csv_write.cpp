// CSV writer: one row per box, one row with an empty class for an image without boxes.
#include <fmt/format.h>

#include "core/fs.h"
#include "data/formats/csv.h"
#include "data/formats/write_util.h"

namespace autodet {
namespace {

// RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled.
std::string field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

std::string to_csv(const Dataset& ds, const std::string& base_dir) {
  std::string out = "filename,width,height,class,xmin,ymin,xmax,ymax,iscrowd\n";
  for (const auto& im : ds.images) {
    const std::string head = fmt::format("{},{},{},", field(image_reference(im.path, base_dir)), im.width, im.height);
    if (im.boxes.empty()) out += head + ",,,,,\n";
    for (const auto& b : im.boxes)
      out += head + fmt::format("{},{},{},{},{},{}\n", field(b.label), exact_number(b.x0), exact_number(b.y0),
                                exact_number(b.x1), exact_number(b.y1), b.crowd ? 1 : 0);
  }
  return out;
}

void write_csv(const Dataset& ds, const std::string& path) {
  if (parent_dir(path) != ".") make_dirs(parent_dir(path));
  write_file_atomic(path, to_csv(ds, parent_dir(path)));
}

}  // namespace autodet
