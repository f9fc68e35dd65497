#include "data/formats/voc.h"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <map>
#include <set>

#include <fmt/format.h>
#include <pugixml.hpp>

#include "core/error.h"
#include "core/fs.h"
#include "data/box_check.h"
#include "data/image_locate.h"
#include "data/image_probe.h"

namespace autodet {
namespace {

struct Layout {
  std::string annotations;
  std::string images;
  std::string image_sets;  // "" when absent
};

Layout find_layout(const std::string& root) {
  Layout l;
  for (auto [a, i] : {std::pair{"Annotations", "JPEGImages"}, std::pair{"annotations", "images"},
                      std::pair{"Annotations", "images"}, std::pair{"annotations", "JPEGImages"}}) {
    if (fs_is_dir(join_path(root, a))) {
      l.annotations = join_path(root, a);
      l.images = fs_is_dir(join_path(root, i)) ? join_path(root, i) : root;
      break;
    }
  }
  if (l.annotations.empty()) l.annotations = l.images = root;
  if (fs_is_dir(join_path(root, "ImageSets/Main"))) l.image_sets = join_path(root, "ImageSets/Main");
  return l;
}

std::string trim(std::string s) {
  auto a = s.find_first_not_of(" \t\r\n"), b = s.find_last_not_of(" \t\r\n");
  return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

bool parse_double(const std::string& s, double& out) {
  std::string t = trim(s);
  if (t.empty()) return false;
  auto r = std::from_chars(t.data(), t.data() + t.size(), out);
  return r.ec == std::errc() && r.ptr == t.data() + t.size();
}

long line_of(const std::string& text, std::ptrdiff_t offset) {
  if (offset < 0) return 0;
  return 1 + long(std::count(text.begin(), text.begin() + std::min<std::size_t>(std::size_t(offset), text.size()), '\n'));
}

std::vector<std::string> read_id_list(const std::string& path) {
  std::vector<std::string> ids;
  std::ifstream f(path);
  std::string line;
  while (std::getline(f, line)) {
    line = trim(line);
    if (line.empty()) continue;
    // VOC per-class lists carry "id  1": keep the id.
    ids.push_back(line.substr(0, line.find_first_of(" \t")));
  }
  return ids;
}

}  // namespace

bool is_voc_folder(const std::string& path) {
  if (!fs_is_dir(path)) return false;
  Layout l = find_layout(path);
  for (const auto& f : list_files(l.annotations))
    if (extension(f) == "xml") return true;
  return false;
}

bool read_voc_annotation(const std::string& xml, const std::string& file, const std::string& images_dir,
                         const ReadOptions& opts, Diagnostics& diag, ImageRecord& rec) {
  pugi::xml_document doc;
  pugi::xml_parse_result res = doc.load_buffer(xml.data(), xml.size(), pugi::parse_default | pugi::parse_ws_pcdata_single);
  if (!res) {
    diag.error("invalid_xml", Location{file, line_of(xml, res.offset), "", ""},
               std::string("not valid XML: ") + res.description());
    return false;
  }
  auto ann = doc.child("annotation");
  if (!ann) {
    diag.error("invalid_xml", Location{file, 0, "", ""}, "no <annotation> root element");
    return false;
  }
  auto loc = [&](const pugi::xml_node& n, const std::string& element, const std::string& field) {
    return Location{file, line_of(xml, n.offset_debug()), element, field};
  };
  std::string filename = trim(ann.child_value("filename"));
  if (filename.empty()) {
    // No <filename>: the image shares the XML's name; look for a known extension.
    for (const char* ext : {".jpg", ".jpeg", ".png", ".bmp", ".JPG", ".PNG"}) {
      if (fs_exists(join_path(images_dir, stem(file) + ext))) { filename = stem(file) + ext; break; }
    }
    if (filename.empty()) {
      diag.error("incomplete_record", Location{file, 0, "", "filename"}, "<filename> is missing and no image named like the XML exists");
      return false;
    }
  }
  ReadOptions o = opts;
  o.images_dir = images_dir;
  rec.url = filename;
  rec.source = SourceRef{file, 0, ""};
  rec.path = locate_image(filename, images_dir, o, loc(ann.child("filename"), "", "filename"), diag);
  if (rec.path.empty()) return false;
  int dw = 0, dh = 0;
  if (auto size = ann.child("size")) {
    double w = 0, h = 0;
    if (parse_double(size.child_value("width"), w) && parse_double(size.child_value("height"), h) && w >= 1 && h >= 1 &&
        w < 1e6 && h < 1e6) {
      dw = int(w);
      dh = int(h);
    } else {
      diag.warn("wrong_type", loc(size, "size", "width/height"), "size is not a pair of positive numbers; the image file's size is used");
    }
  }
  if (!settle_image(rec, dw, dh, opts, Location{file, 0, "", ""}, diag)) return false;

  int index = 0;
  for (auto obj : ann.children("object")) {
    ++index;
    std::string name = trim(obj.child_value("name"));
    std::string element = fmt::format("object {}{}", index, name.empty() ? "" : " (" + name + ")");
    if (name.empty()) {
      diag.error("incomplete_record", loc(obj, element, "name"), "object has no <name>; box dropped");
      continue;
    }
    auto bnd = obj.child("bndbox");
    if (!bnd) {
      diag.error("incomplete_record", loc(obj, element, "bndbox"), "object has no <bndbox>; box dropped");
      continue;
    }
    double v[4];
    bool ok = true;
    const char* keys[4] = {"xmin", "ymin", "xmax", "ymax"};
    for (int k = 0; k < 4 && ok; ++k) {
      auto n = bnd.child(keys[k]);
      if (!n) {
        diag.error("incomplete_record", loc(bnd, element, std::string("bndbox/") + keys[k]), "missing; box dropped");
        ok = false;
      } else if (!parse_double(n.child_value(), v[k])) {
        diag.error("wrong_type", loc(n, element, std::string("bndbox/") + keys[k]),
                   "'" + std::string(n.child_value()) + "' is not a number; box dropped");
        ok = false;
      }
    }
    if (!ok) continue;
    auto box = checked_pixel_box(v[0], v[1], v[2], v[3], rec.width, rec.height, loc(bnd, element, "bndbox"), diag);
    if (!box) continue;
    box->label = name;
    double difficult = 0;
    box->crowd = parse_double(obj.child_value("difficult"), difficult) && difficult != 0;  // Azure's converter: isCrowd = difficult
    rec.boxes.push_back(std::move(*box));
  }
  return true;
}

SplitDataset read_voc(const std::string& path, const ReadOptions& opts, Diagnostics& diag) {
  if (!fs_is_dir(path)) throw DataError(Location{path, 0, "", ""}, "VOC dataset must be a folder");
  Layout layout = find_layout(path);
  std::vector<std::string> xmls;
  for (const auto& f : list_files(layout.annotations))
    if (extension(f) == "xml") xmls.push_back(f);
  if (xmls.empty()) throw DataError(Location{layout.annotations, 0, "", ""}, "no .xml annotation files found");

  std::vector<ImageRecord> images;
  std::map<std::string, std::size_t> by_id;   // xml stem -> index
  std::map<std::string, std::string> by_path;  // image path -> xml
  for (const auto& x : xmls) {
    ImageRecord rec;
    std::string text;
    try {
      text = read_file(x);
    } catch (const Error& e) {
      diag.error("unreadable_file", Location{x, 0, "", ""}, e.what());
      continue;
    }
    if (!read_voc_annotation(text, x, layout.images, opts, diag, rec)) continue;
    if (auto [it, ok] = by_path.emplace(absolute_path(rec.path), x); !ok) {
      diag.error("duplicate_image", Location{x, 0, "", "filename"},
                 "image '" + rec.url + "' is also annotated by " + it->second + "; this annotation is dropped");
      continue;
    }
    by_id[stem(x)] = images.size();
    images.push_back(std::move(rec));
  }

  SplitDataset out;
  std::map<std::string, std::string> lists;
  if (!layout.image_sets.empty()) {
    for (auto [file, split] : {std::pair{"train.txt", "train"}, std::pair{"val.txt", "validation"},
                               std::pair{"test.txt", "test"}}) {
      std::string p = join_path(layout.image_sets, file);
      if (fs_exists(p)) lists[split] = p;
    }
    if (!lists.count("train") && !lists.count("validation") && fs_exists(join_path(layout.image_sets, "trainval.txt")))
      lists["train"] = join_path(layout.image_sets, "trainval.txt");
  }
  if (lists.empty()) {
    out.splits["train"].images = std::move(images);
    return out;
  }
  std::vector<std::string> assigned(images.size());
  for (const auto& [split, file] : lists) {
    Dataset& d = out.splits[split];
    long line = 0;
    for (const auto& id : read_id_list(file)) {
      ++line;
      auto it = by_id.find(id);
      if (it == by_id.end()) {
        diag.warn("unknown_split_id", Location{file, line, "", ""}, "'" + id + "' has no usable annotation; skipped");
        continue;
      }
      if (!assigned[it->second].empty()) {
        diag.error("image_in_two_splits", Location{file, line, "", ""},
                   "'" + id + "' is already in split '" + assigned[it->second] + "'; kept there only");
        continue;
      }
      assigned[it->second] = split;
      d.images.push_back(images[it->second]);
    }
  }
  for (std::size_t i = 0; i < images.size(); ++i)
    if (assigned[i].empty()) {
      diag.warn("not_in_split", Location{images[i].source.file, 0, "", ""},
                "image is in no ImageSets/Main list; put in train");
      out.splits["train"].images.push_back(images[i]);
    }
  return out;
}

}  // namespace autodet
