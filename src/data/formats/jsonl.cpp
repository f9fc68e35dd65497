#include "data/formats/jsonl.h"

#include <charconv>
#include <cmath>
#include <unordered_map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/fs.h"
#include "data/box_check.h"
#include "data/image_probe.h"
#include "data/image_url.h"

namespace autodet {
namespace {

using json = nlohmann::json;

// R1.6: numbers, or strings float() accepts.
bool to_number(const json& v, double& out) {
  if (v.is_number()) {
    out = v.get<double>();
    return true;
  }
  if (v.is_string()) {
    std::string s = v.get<std::string>();
    std::size_t a = s.find_first_not_of(" \t"), b = s.find_last_not_of(" \t");
    if (a == std::string::npos) return false;
    s = s.substr(a, b - a + 1);
    if (!s.empty() && s[0] == '+') s.erase(0, 1);
    auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    return r.ec == std::errc() && r.ptr == s.data() + s.size();
  }
  return false;
}

// "499", 499 or "499px" -> 499; 0 when absent or unreadable.
int to_size(const json& v) {
  if (v.is_number_integer() && v.get<long long>() > 0 && v.get<long long>() < (1LL << 31)) return int(v.get<long long>());
  if (v.is_number_float() && v.get<double>() >= 1 && v.get<double>() < 2147483647.0) return int(v.get<double>());
  if (v.is_string()) {
    std::string s = v.get<std::string>();
    if (s.size() > 2 && s.compare(s.size() - 2, 2, "px") == 0) s.resize(s.size() - 2);
    int out = 0;
    auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    if (r.ec == std::errc() && r.ptr == s.data() + s.size() && out > 0) return out;
  }
  return -1;
}

// R1.8 (newer runtime): crowd iff "true", "True", "1" or 1; JSON true also counts.
bool parse_crowd(const json& v, const Location& where, Diagnostics& diag) {
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_number_integer()) {
    long long i = v.get<long long>();
    if (i != 0 && i != 1) diag.warn("bad_iscrowd", where, fmt::format("isCrowd {} is neither 0 nor 1; read as not crowd", i));
    return i == 1;
  }
  if (v.is_number_float()) return v.get<double>() == 1.0;
  if (v.is_string()) {
    const std::string s = v.get<std::string>();
    if (s == "true" || s == "True" || s == "1") return true;
    if (!(s == "false" || s == "False" || s == "0" || s.empty()))
      diag.warn("bad_iscrowd", where, "isCrowd '" + s + "' is not true/false/0/1; read as not crowd");
    return false;
  }
  if (!v.is_null()) diag.warn("bad_iscrowd", where, "isCrowd of type " + std::string(v.type_name()) + " read as not crowd");
  return false;
}

struct RawBox {
  double v[4];
  std::string label;
  bool crowd;
  Location where;
};

}  // namespace

Dataset read_jsonl_text(const std::string& text, const std::string& file_label, const std::string& base_dir,
                        const ReadOptions& opts, Diagnostics& diag) {
  Dataset ds;
  std::unordered_map<std::string, long> seen;  // resolved path -> line
  std::size_t pos = 0;
  long line_no = 0;
  if (text.compare(0, 3, "\xEF\xBB\xBF") == 0) pos = 3;  // UTF-8 byte order mark
  static const char* coord_keys[4] = {"topX", "topY", "bottomX", "bottomY"};
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    Location where{file_label, line_no, "", ""};

    json j;
    try {
      j = json::parse(line.begin(), line.end());
    } catch (const json::parse_error& e) {
      std::string msg = fmt::format("not valid JSON (byte {}): {}", e.byte, e.what());
      if (opts.drop_invalid_lines)
        diag.warn("invalid_line", where, msg + "; line dropped (invalid_lines: drop)");
      else
        diag.error("invalid_line", where, msg);
      continue;
    }
    if (!j.is_object()) {
      diag.error("wrong_type", where, std::string("a line must be a JSON object, got ") + j.type_name());
      continue;
    }
    for (auto it = j.begin(); it != j.end(); ++it)
      if (it.key() != "image_url" && it.key() != "image_details" && it.key() != "label")
        diag.warn("unknown_key", Location{file_label, line_no, "", it.key()}, "unknown key ignored");

    auto url_it = j.find("image_url");
    if (url_it == j.end() || !url_it->is_string()) {
      diag.error(url_it == j.end() ? "incomplete_record" : "wrong_type", Location{file_label, line_no, "", "image_url"},
                 url_it == j.end() ? "required key 'image_url' is missing" : "image_url must be a string");
      continue;
    }
    ImageRecord rec;
    rec.url = url_it->get<std::string>();
    rec.source = SourceRef{file_label, line_no, ""};

    int dw = 0, dh = 0;
    if (auto d = j.find("image_details"); d != j.end() && !d->is_null()) {
      Location dl{file_label, line_no, "", "image_details"};
      if (!d->is_object()) {
        diag.warn("wrong_type", dl, "image_details must be an object; ignored");
      } else {
        for (auto it = d->begin(); it != d->end(); ++it) {
          Location fl{file_label, line_no, "image_details", it.key()};
          if (it.key() == "format") {
            if (it->is_string()) rec.format = it->get<std::string>();
            else diag.warn("wrong_type", fl, "format must be a string; ignored");
          } else if (it.key() == "width" || it.key() == "height") {
            int s = to_size(*it);
            if (s < 0) diag.warn("wrong_type", fl, "must be a positive integer or \"<n>px\"; ignored");
            else (it.key() == "width" ? dw : dh) = s;
          } else {
            diag.warn("unknown_key", fl, "unknown key ignored");
          }
        }
      }
    }

    auto lab = j.find("label");
    if (lab == j.end()) {
      diag.error("incomplete_record", Location{file_label, line_no, "", "label"}, "required key 'label' is missing");
      continue;
    }
    if (!lab->is_array()) {
      diag.error("wrong_type", Location{file_label, line_no, "", "label"},
                 std::string("label must be a list of boxes, got ") + lab->type_name());
      continue;
    }
    std::vector<RawBox> raw;
    for (std::size_t i = 0; i < lab->size(); ++i) {
      const json& b = (*lab)[i];
      Location bl{file_label, line_no, fmt::format("label[{}]", i), ""};
      if (!b.is_object()) {
        diag.error("wrong_type", bl, std::string("a box must be an object, got ") + b.type_name());
        continue;
      }
      RawBox r{{0, 0, 0, 0}, "", false, bl};
      bool ok = true;
      std::string missing;
      for (const char* k : {"label", "topX", "topY", "bottomX", "bottomY"})
        if (!b.contains(k)) missing += (missing.empty() ? "" : ", ") + std::string(k);
      if (!missing.empty()) {
        diag.error("incomplete_record", bl, "incomplete record: missing " + missing + "; box dropped");
        continue;
      }
      for (auto it = b.begin(); it != b.end(); ++it) {
        const std::string& k = it.key();
        if (k != "label" && k != "topX" && k != "topY" && k != "bottomX" && k != "bottomY" && k != "isCrowd")
          diag.warn("unknown_key", Location{file_label, line_no, bl.element, k}, "unknown key ignored");
      }
      const json& lv = b["label"];
      if (!lv.is_string() || lv.get<std::string>().empty()) {
        diag.error("wrong_type", Location{file_label, line_no, bl.element, "label"},
                   lv.is_string() ? "class name is empty; box dropped"
                                  : std::string("class name must be a string, got ") + lv.type_name() + "; box dropped");
        continue;
      }
      r.label = lv.get<std::string>();
      for (int c = 0; c < 4 && ok; ++c) {
        if (!to_number(b[coord_keys[c]], r.v[c])) {
          diag.error("wrong_type", Location{file_label, line_no, bl.element, coord_keys[c]},
                     "coordinate " + b[coord_keys[c]].dump() + " is not a number; box dropped");
          ok = false;
        }
      }
      if (!ok) continue;
      if (auto c = b.find("isCrowd"); c != b.end())
        r.crowd = parse_crowd(*c, Location{file_label, line_no, bl.element, "isCrowd"}, diag);
      raw.push_back(std::move(r));
    }

    rec.path = resolve_image_url(rec.url, base_dir, opts, Location{file_label, line_no, "", "image_url"}, diag);
    if (rec.path.empty()) continue;
    if (auto [it, inserted] = seen.emplace(rec.path, line_no); !inserted) {
      diag.error("duplicate_image", Location{file_label, line_no, "", "image_url"},
                 fmt::format("image '{}' already listed on line {}; this line is dropped", rec.url, it->second));
      continue;
    }
    if (!settle_image(rec, dw, dh, opts, where, diag)) continue;
    for (auto& r : raw) {
      auto box = normalized_to_box(r.v[0], r.v[1], r.v[2], r.v[3], rec.width, rec.height, r.where, diag);
      if (!box) continue;
      box->label = std::move(r.label);
      box->crowd = r.crowd;
      rec.boxes.push_back(std::move(*box));
    }
    ds.images.push_back(std::move(rec));
  }
  return ds;
}

Dataset read_jsonl(const std::string& path, const ReadOptions& opts, Diagnostics& diag) {
  return read_jsonl_text(read_file(path), path, parent_dir(path), opts, diag);
}

std::string to_jsonl(const Dataset& ds) {
  std::string out;
  for (const auto& im : ds.images) {
    nlohmann::ordered_json j;
    j["image_url"] = im.url;
    j["image_details"] = {{"format", im.format}, {"width", im.width}, {"height", im.height}};
    j["label"] = nlohmann::ordered_json::array();
    for (const auto& b : im.boxes) {
      nlohmann::ordered_json jb;
      jb["label"] = b.label;
      jb["topX"] = b.x0 / im.width;
      jb["topY"] = b.y0 / im.height;
      jb["bottomX"] = b.x1 / im.width;
      jb["bottomY"] = b.y1 / im.height;
      jb["isCrowd"] = b.crowd ? 1 : 0;
      j["label"].push_back(std::move(jb));
    }
    out += j.dump();
    out += '\n';
  }
  return out;
}

}  // namespace autodet
