// Pascal VOC writer: one annotation XML per image, split lists in ImageSets/Main.
#include <map>
#include <sstream>

#include <pugixml.hpp>

#include "core/error.h"
#include "core/fs.h"
#include "data/formats/voc.h"
#include "data/formats/write_util.h"

namespace autodet {
namespace {

std::string split_list_name(const std::string& split) { return split == "validation" ? "val" : split; }

std::string annotation_xml(const ImageRecord& im, const std::string& filename) {
  pugi::xml_document doc;
  auto ann = doc.append_child("annotation");
  ann.append_child("folder").text() = "JPEGImages";
  ann.append_child("filename").text() = filename.c_str();
  ann.append_child("path").text() = absolute_path(im.path).c_str();
  auto size = ann.append_child("size");
  size.append_child("width").text() = im.width;
  size.append_child("height").text() = im.height;
  size.append_child("depth").text() = 3;
  ann.append_child("segmented").text() = 0;
  for (const auto& b : im.boxes) {
    auto obj = ann.append_child("object");
    obj.append_child("name").text() = b.label.c_str();
    obj.append_child("pose").text() = "Unspecified";
    obj.append_child("truncated").text() = 0;
    obj.append_child("difficult").text() = b.crowd ? 1 : 0;  // Azure's converter: isCrowd = difficult
    auto bnd = obj.append_child("bndbox");
    bnd.append_child("xmin").text() = exact_number(b.x0).c_str();
    bnd.append_child("ymin").text() = exact_number(b.y0).c_str();
    bnd.append_child("xmax").text() = exact_number(b.x1).c_str();
    bnd.append_child("ymax").text() = exact_number(b.y1).c_str();
  }
  std::ostringstream out;
  doc.save(out, "  ");
  return out.str();
}

}  // namespace

void write_voc(const SplitDataset& sd, const std::string& dir) {
  const std::string annotations = join_path(dir, "Annotations"), jpeg = join_path(dir, "JPEGImages");
  const std::string images_dir = fs_is_dir(jpeg) ? jpeg : dir;  // where the reader looks up <filename>
  make_dirs(annotations);
  std::vector<const ImageRecord*> all;
  for (const auto& name : sd.names())
    for (const auto& im : sd.splits.at(name).images) all.push_back(&im);
  const std::vector<std::string> names = unique_file_names(all);
  std::map<std::string, std::string> lists;  // split -> ids
  for (std::size_t i = 0; i < all.size(); ++i) {
    const std::string id = stem(names[i]);
    write_file_atomic(join_path(annotations, id + ".xml"), annotation_xml(*all[i], image_reference(all[i]->path, images_dir)));
  }
  const auto split_names_present = sd.names();
  if (split_names_present.size() == 1 && split_names_present[0] == "train") return;
  std::size_t i = 0;
  for (const auto& split : split_names_present)
    for (std::size_t k = 0; k < sd.splits.at(split).images.size(); ++k) lists[split_list_name(split)] += stem(names[i++]) + "\n";
  const std::string sets = join_path(dir, "ImageSets/Main");
  make_dirs(sets);
  for (const auto& [split, ids] : lists) write_file_atomic(join_path(sets, split + ".txt"), ids);
}

}  // namespace autodet
