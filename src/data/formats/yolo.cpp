#include "data/formats/yolo.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <map>
#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "core/error.h"
#include "core/fs.h"
#include "core/image_io.h"
#include "data/box_check.h"
#include "data/image_probe.h"

namespace autodet {
namespace {

std::string yaml_file(const std::string& path) {
  if (!fs_is_dir(path)) return path;
  for (const char* n : {"data.yaml", "data.yml", "dataset.yaml"})
    if (fs_exists(join_path(path, n))) return join_path(path, n);
  return join_path(path, "data.yaml");
}

// images/.../x.jpg -> labels/.../x.txt (last "images" folder replaced, as Ultralytics does).
std::string label_path_for(const std::string& image) {
  std::string p = image;
  auto pos = p.rfind("/images/");
  if (pos != std::string::npos) p.replace(pos, 8, "/labels/");
  else if (p.rfind("images/", 0) == 0) p.replace(0, 7, "labels/");
  auto dot = p.find_last_of('.');
  auto slash = p.find_last_of('/');
  if (dot != std::string::npos && (slash == std::string::npos || dot > slash)) p.resize(dot);
  return p + ".txt";
}

}  // namespace

bool is_yolo(const std::string& path) {
  std::string f = yaml_file(path);
  return fs_exists(f) && (extension(f) == "yaml" || extension(f) == "yml");
}

void read_yolo_labels(const std::string& text, const std::string& file, const std::vector<std::string>& names,
                      Diagnostics& diag, ImageRecord& rec) {
  std::istringstream in(text);
  std::string line;
  long line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::istringstream ls(line);
    std::vector<std::string> tok;
    for (std::string t; ls >> t;) tok.push_back(t);
    if (tok.empty()) continue;
    Location where{file, line_no, "", ""};
    std::vector<double> v(tok.size());
    bool ok = true;
    for (std::size_t i = 0; i < tok.size() && ok; ++i) {
      auto r = std::from_chars(tok[i].data(), tok[i].data() + tok[i].size(), v[i]);
      if (r.ec != std::errc() || r.ptr != tok[i].data() + tok[i].size() || !std::isfinite(v[i])) {
        diag.error("wrong_type", Location{file, line_no, "", fmt::format("column {}", i + 1)},
                   "'" + tok[i] + "' is not a number; box dropped");
        ok = false;
      }
    }
    if (!ok) continue;
    if (tok.size() < 5 || (tok.size() > 5 && tok.size() % 2 == 0)) {
      diag.error("wrong_type", where,
                 fmt::format("expected 'class cx cy w h' (or 'class x1 y1 x2 y2 ...' for a polygon), got {} values; box dropped",
                             tok.size()));
      continue;
    }
    if (v[0] < 0 || v[0] != std::floor(v[0]) || v[0] >= double(names.size())) {
      diag.error("unknown_class", Location{file, line_no, "", "class"},
                 fmt::format("class index {} is not in names (0..{}); box dropped", tok[0], int(names.size()) - 1));
      continue;
    }
    double x0, y0, x1, y1;
    if (tok.size() == 5) {
      x0 = v[1] - v[3] / 2; x1 = v[1] + v[3] / 2;
      y0 = v[2] - v[4] / 2; y1 = v[2] + v[4] / 2;
      if (v[3] < 0 || v[4] < 0) {
        diag.warn("box_inverted", where, "negative width or height; box dropped");
        continue;
      }
    } else {
      x0 = y0 = 1e300; x1 = y1 = -1e300;
      for (std::size_t i = 1; i + 1 < v.size(); i += 2) {
        x0 = std::min(x0, v[i]); x1 = std::max(x1, v[i]);
        y0 = std::min(y0, v[i + 1]); y1 = std::max(y1, v[i + 1]);
      }
    }
    auto box = checked_pixel_box(x0 * rec.width, y0 * rec.height, x1 * rec.width, y1 * rec.height, rec.width,
                                 rec.height, where, diag);
    if (!box) continue;
    box->label = names[std::size_t(v[0])];
    rec.boxes.push_back(std::move(*box));
  }
}

namespace {
SplitDataset read_yolo_impl(const std::string& yf, const ReadOptions& opts, Diagnostics& diag);
}

SplitDataset read_yolo(const std::string& path, const ReadOptions& opts, Diagnostics& diag) {
  const std::string yf = yaml_file(path);
  try {
    return read_yolo_impl(yf, opts, diag);
  } catch (const YAML::Exception& e) {
    throw DataError(Location{yf, long(e.mark.line) + 1, "", ""}, "unexpected value: " + e.msg);
  }
}

namespace {
SplitDataset read_yolo_impl(const std::string& yf, const ReadOptions& opts, Diagnostics& diag) {
  std::string text = read_file(yf);
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw DataError(Location{yf, long(e.mark.line) + 1, "", ""}, "not valid YAML: " + e.msg);
  }
  if (!root.IsMap()) throw DataError(Location{yf, 0, "", ""}, "data.yaml must be a mapping with train/val and names");
  std::vector<std::string> names;
  const auto& jn = root["names"];
  if (!jn) throw DataError(Location{yf, 0, "", "names"}, "data.yaml needs 'names' (a list, or a map index: name)");
  try {
    if (jn.IsSequence()) {
      for (const auto& n : jn) names.push_back(n.as<std::string>());
    } else if (jn.IsMap()) {
      std::map<int, std::string> m;
      for (auto it = jn.begin(); it != jn.end(); ++it) m[it->first.as<int>()] = it->second.as<std::string>();
      for (const auto& [k, n] : m) {
        if (k != int(names.size()))
          throw DataError(Location{yf, long(jn.Mark().line) + 1, "", "names"}, "names must be numbered 0..nc-1 without gaps");
        names.push_back(n);
      }
    } else {
      throw DataError(Location{yf, long(jn.Mark().line) + 1, "", "names"}, "names must be a list or a map");
    }
  } catch (const YAML::Exception& e) {
    throw DataError(Location{yf, long(e.mark.line) + 1, "", "names"}, "bad names entry: " + e.msg);
  }
  if (root["nc"] && root["nc"].IsScalar() && root["nc"].as<std::string>() != std::to_string(names.size()))
    diag.warn("nc_mismatch", Location{yf, long(root["nc"].Mark().line) + 1, "", "nc"},
              fmt::format("nc is {} but names has {} entries; names wins", root["nc"].as<std::string>(), names.size()));
  std::string base = parent_dir(yf);
  if (root["path"] && root["path"].IsScalar()) {
    std::string p = root["path"].as<std::string>();
    base = std::filesystem::path(p).is_absolute() ? p : join_path(base, p);
    if (!fs_is_dir(base)) base = parent_dir(yf);  // a path from another machine: fall back to the YAML's folder
  }

  SplitDataset out;
  for (auto [key, split] : {std::pair{"train", "train"}, std::pair{"val", "validation"}, std::pair{"test", "test"}}) {
    const auto& node = root[key];
    if (!node || node.IsNull()) continue;
    std::vector<std::string> entries;
    if (node.IsSequence()) for (const auto& n : node) entries.push_back(n.as<std::string>());
    else entries.push_back(node.as<std::string>());
    std::vector<std::string> image_files;
    for (const auto& e : entries) {
      std::string p = std::filesystem::path(e).is_absolute() ? e : join_path(base, e);
      Location l{yf, long(node.Mark().line) + 1, "", key};
      if (fs_is_dir(p)) {
        for (const auto& f : list_files_recursive(p))
          if (has_image_extension(f)) image_files.push_back(f);
      } else if (fs_exists(p) && extension(p) == "txt") {
        std::istringstream in(read_file(p));
        for (std::string line; std::getline(in, line);) {
          if (!line.empty() && line.back() == '\r') line.pop_back();
          if (line.empty()) continue;
          image_files.push_back(std::filesystem::path(line).is_absolute() ? line : join_path(parent_dir(p), line));
        }
      } else {
        throw DataError(l, "'" + e + "' is neither a folder of images nor a .txt list (looked at " + p + ")");
      }
    }
    Dataset& d = out.splits[split];
    d.declared_classes = names;
    for (const auto& img : image_files) {
      ImageRecord rec;
      rec.path = img;
      rec.url = img;
      rec.source = SourceRef{img, 0, ""};
      if (!settle_image(rec, 0, 0, opts, Location{img, 0, "", ""}, diag)) continue;
      std::string lp = label_path_for(img);
      if (fs_exists(lp)) read_yolo_labels(read_file(lp), lp, names, diag, rec);
      d.images.push_back(std::move(rec));
    }
  }
  if (out.splits.empty()) throw DataError(Location{yf, 0, "", "train"}, "data.yaml names no train/val/test images");
  return out;
}
}  // namespace

}  // namespace autodet
