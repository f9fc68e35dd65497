#include "data/formats/coco.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/fs.h"
#include "data/formats/write_util.h"
#include "data/box_check.h"
#include "data/image_locate.h"
#include "data/image_probe.h"

namespace autodet {
namespace {

using json = nlohmann::json;

bool get_int(const json& o, const char* key, long long& out) {
  auto it = o.find(key);
  if (it == o.end()) return false;
  if (it->is_number_integer()) { out = it->get<long long>(); return true; }
  if (it->is_number_float() && std::floor(it->get<double>()) == it->get<double>() && std::abs(it->get<double>()) < 9e18) {
    out = static_cast<long long>(it->get<double>());
    return true;
  }
  return false;
}

}  // namespace

Dataset read_coco_text(const std::string& text, const std::string& file, const std::string& source_dir,
                       const ReadOptions& opts, Diagnostics& diag) {
  json root;
  try {
    root = json::parse(text);
  } catch (const json::parse_error& e) {
    // Turn the byte offset into a line number.
    long line = 1 + long(std::count(text.begin(), text.begin() + std::min<std::size_t>(e.byte, text.size()), '\n'));
    throw DataError(Location{file, line, "", ""}, std::string("not valid JSON: ") + e.what());
  } catch (const json::exception& e) {  // e.g. a number too large for a double
    throw DataError(Location{file, 0, "", ""}, std::string("not valid JSON: ") + e.what());
  }
  if (!root.is_object()) throw DataError(Location{file, 0, "", ""}, "COCO file must be a JSON object");
  for (const char* k : {"images", "categories"})
    if (!root.contains(k) || !root[k].is_array())
      throw DataError(Location{file, 0, "", k}, std::string("COCO file needs an '") + k + "' list");
  if (root.contains("annotations") && !root["annotations"].is_array())
    throw DataError(Location{file, 0, "", "annotations"}, "annotations must be a list");

  Dataset ds;
  std::unordered_map<long long, std::string> cats;
  const auto& jc = root["categories"];
  for (std::size_t i = 0; i < jc.size(); ++i) {
    Location l{file, 0, fmt::format("categories[{}]", i), ""};
    long long id;
    if (!jc[i].is_object() || !get_int(jc[i], "id", id) || !jc[i].contains("name") || !jc[i]["name"].is_string() ||
        jc[i]["name"].get<std::string>().empty()) {
      diag.error("wrong_type", l, "a category needs an integer 'id' and a non-empty string 'name'");
      continue;
    }
    if (!cats.emplace(id, jc[i]["name"].get<std::string>()).second) {
      diag.error("duplicate_category", l, fmt::format("category id {} appears twice", id));
      continue;
    }
    ds.declared_classes.push_back(jc[i]["name"].get<std::string>());
  }

  std::unordered_map<long long, std::size_t> image_index;  // id -> index in ds.images, or npos when unusable
  std::unordered_map<std::string, std::size_t> by_path;
  const auto& ji = root["images"];
  constexpr std::size_t kBad = std::size_t(-1);
  for (std::size_t i = 0; i < ji.size(); ++i) {
    Location l{file, 0, fmt::format("images[{}]", i), ""};
    long long id;
    if (!ji[i].is_object() || !get_int(ji[i], "id", id) || !ji[i].contains("file_name") || !ji[i]["file_name"].is_string()) {
      diag.error("wrong_type", l, "an image needs an integer 'id' and a string 'file_name'");
      continue;
    }
    if (image_index.count(id)) {
      diag.error("duplicate_image", Location{file, 0, l.element, "id"}, fmt::format("image id {} appears twice", id));
      continue;
    }
    image_index[id] = kBad;
    ImageRecord rec;
    rec.url = ji[i]["file_name"].get<std::string>();
    rec.source = SourceRef{file, 0, l.element};
    long long w = 0, h = 0;
    get_int(ji[i], "width", w);
    get_int(ji[i], "height", h);
    if (w < 0 || h < 0 || w > 1000000 || h > 1000000) w = h = 0;
    rec.path = locate_image(rec.url, source_dir, opts, Location{file, 0, l.element, "file_name"}, diag);
    if (rec.path.empty()) continue;
    if (auto [it, ok] = by_path.emplace(absolute_path(rec.path), i); !ok) {
      diag.error("duplicate_image", Location{file, 0, l.element, "file_name"},
                 fmt::format("'{}' is already images[{}]; this entry is dropped", rec.url, it->second));
      continue;
    }
    if (!settle_image(rec, int(w), int(h), opts, l, diag)) continue;
    image_index[id] = ds.images.size();
    ds.images.push_back(std::move(rec));
  }

  if (root.contains("annotations")) {
    const auto& ja = root["annotations"];
    for (std::size_t i = 0; i < ja.size(); ++i) {
      Location l{file, 0, fmt::format("annotations[{}]", i), ""};
      const json& a = ja[i];
      long long img_id, cat_id;
      if (!a.is_object() || !get_int(a, "image_id", img_id) || !get_int(a, "category_id", cat_id)) {
        diag.error("wrong_type", l, "an annotation needs integer 'image_id' and 'category_id'");
        continue;
      }
      auto im = image_index.find(img_id);
      if (im == image_index.end()) {
        diag.error("unknown_image", Location{file, 0, l.element, "image_id"}, fmt::format("no image has id {}", img_id));
        continue;
      }
      if (im->second == kBad) continue;  // the image itself was reported
      auto cat = cats.find(cat_id);
      if (cat == cats.end()) {
        diag.error("unknown_category", Location{file, 0, l.element, "category_id"},
                   fmt::format("no category has id {}", cat_id));
        continue;
      }
      auto bb = a.find("bbox");
      if (bb == a.end() || !bb->is_array() || bb->size() != 4 ||
          !std::all_of(bb->begin(), bb->end(), [](const json& v) { return v.is_number(); })) {
        diag.error("wrong_type", Location{file, 0, l.element, "bbox"}, "bbox must be a list of 4 numbers [x, y, w, h]");
        continue;
      }
      ImageRecord& rec = ds.images[im->second];
      double x = (*bb)[0].get<double>(), y = (*bb)[1].get<double>();
      double w = (*bb)[2].get<double>(), h = (*bb)[3].get<double>();
      // R1.13: a bbox whose largest value is under 1.5 is taken as already normalized.
      if (std::max({x, y, w, h}) < 1.5) {
        x *= rec.width; w *= rec.width;
        y *= rec.height; h *= rec.height;
      }
      Location bl{file, 0, l.element, "bbox"};
      if (w < 0 || h < 0) {
        diag.warn("box_inverted", bl, fmt::format("negative width or height in bbox [{}, {}, {}, {}]; box dropped",
                                                  num(x), num(y), num(w), num(h)));
        continue;
      }
      auto box = checked_pixel_box(x, y, x + w, y + h, rec.width, rec.height, bl, diag);
      if (!box) continue;
      box->label = cat->second;
      if (auto c = a.find("iscrowd"); c != a.end())
        box->crowd = (c->is_number() && c->get<double>() != 0) || (c->is_boolean() && c->get<bool>());
      rec.boxes.push_back(std::move(*box));
    }
  }
  return ds;
}

Dataset read_coco(const std::string& path, const ReadOptions& opts, Diagnostics& diag) {
  return read_coco_text(read_file(path), path, parent_dir(path), opts, diag);
}

std::string to_coco_json(const Dataset& ds, const std::string& base_dir) {
  nlohmann::ordered_json root;
  auto classes = ds.classes();
  std::map<std::string, int> cat_id;
  root["images"] = nlohmann::ordered_json::array();
  root["annotations"] = nlohmann::ordered_json::array();
  root["categories"] = nlohmann::ordered_json::array();
  for (std::size_t k = 0; k < classes.size(); ++k) {
    cat_id[classes[k]] = int(k) + 1;
    root["categories"].push_back({{"id", int(k) + 1}, {"name", classes[k]}, {"supercategory", "none"}});
  }
  long ann = 0;
  for (std::size_t i = 0; i < ds.images.size(); ++i) {
    const auto& im = ds.images[i];
    const std::string name = image_reference(im.path, base_dir);
    root["images"].push_back({{"id", i + 1}, {"file_name", name}, {"width", im.width}, {"height", im.height}});
    for (const auto& b : im.boxes) {
      nlohmann::ordered_json a;
      a["id"] = ++ann;
      a["image_id"] = i + 1;
      a["category_id"] = cat_id[b.label];
      a["bbox"] = {b.x0, b.y0, b.x1 - b.x0, b.y1 - b.y0};
      a["area"] = b.area();
      a["iscrowd"] = b.crowd ? 1 : 0;
      a["segmentation"] = nlohmann::ordered_json::array();
      root["annotations"].push_back(std::move(a));
    }
  }
  return root.dump(1) + "\n";
}

void write_coco(const Dataset& ds, const std::string& path) {
  if (parent_dir(path) != ".") make_dirs(parent_dir(path));
  write_file_atomic(path, to_coco_json(ds, parent_dir(path)));
}

}  // namespace autodet
