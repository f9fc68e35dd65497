#include "data/formats/jsonl.h"

#include <charconv>
#include <cstring>
#include <optional>
#include <cmath>
#include <unordered_map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <simdjson.h>

#include "core/fs.h"
#include "data/box_check.h"
#include "data/image_probe.h"
#include "data/image_url.h"

namespace autodet {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

std::string type_name(const element& v) {
  switch (v.type()) {
    case element_type::ARRAY: return "a list";
    case element_type::OBJECT: return "an object";
    case element_type::STRING: return "a string";
    case element_type::BOOL: return "a boolean";
    case element_type::NULL_VALUE: return "null";
    default: return "a number";
  }
}

bool is_number(const element& v) {
  auto t = v.type();
  return t == element_type::INT64 || t == element_type::UINT64 || t == element_type::DOUBLE;
}

double number(const element& v) {
  switch (v.type()) {
    case element_type::INT64: return double(int64_t(v));
    case element_type::UINT64: return double(uint64_t(v));
    default: return double(v);
  }
}

// R1.6: numbers, or strings Python's float() accepts.
bool to_number(const element& v, double& out) {
  if (is_number(v)) {
    out = number(v);
    return true;
  }
  if (v.type() == element_type::STRING) {
    std::string_view s = v.get_string().value_unsafe();
    std::size_t a = s.find_first_not_of(" \t"), b = s.find_last_not_of(" \t");
    if (a == std::string_view::npos) return false;
    s = s.substr(a, b - a + 1);
    if (!s.empty() && s[0] == '+') s.remove_prefix(1);
    auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    return r.ec == std::errc() && r.ptr == s.data() + s.size();
  }
  return false;
}

// "499", 499 or "499px" -> 499; -1 when unreadable.
int to_size(const element& v) {
  if (is_number(v)) {
    double d = number(v);
    return d >= 1 && d < 2147483647.0 ? int(d) : -1;
  }
  if (v.type() == element_type::STRING) {
    std::string_view s = v.get_string().value_unsafe();
    if (s.size() > 2 && s.substr(s.size() - 2) == "px") s.remove_suffix(2);
    int out = 0;
    auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    if (r.ec == std::errc() && r.ptr == s.data() + s.size() && out > 0) return out;
  }
  return -1;
}

// R1.8 (newer runtime): crowd iff "true", "True", "1" or 1; JSON true also counts.
bool parse_crowd(const element& v, const Location& where, Diagnostics& diag) {
  switch (v.type()) {
    case element_type::BOOL: return bool(v);
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::DOUBLE: {
      double d = number(v);
      if (d != 0 && d != 1) diag.warn("bad_iscrowd", where, fmt::format("isCrowd {} is neither 0 nor 1; read as not crowd", num(d)));
      return d == 1;
    }
    case element_type::STRING: {
      std::string_view s = v.get_string().value_unsafe();
      if (s == "true" || s == "True" || s == "1") return true;
      if (!(s == "false" || s == "False" || s == "0" || s.empty()))
        diag.warn("bad_iscrowd", where, "isCrowd '" + std::string(s) + "' is not true/false/0/1; read as not crowd");
      return false;
    }
    case element_type::NULL_VALUE: return false;
    default:
      diag.warn("bad_iscrowd", where, "isCrowd of type " + type_name(v) + " read as not crowd");
      return false;
  }
}

struct RawBox {
  double v[4];
  std::string label;
  bool crowd;
  std::size_t index;
};

enum Key { kLabel, kTopX, kTopY, kBottomX, kBottomY, kIsCrowd, kOther };

Key box_key(std::string_view k) {
  if (k == "label") return kLabel;
  if (k == "topX") return kTopX;
  if (k == "topY") return kTopY;
  if (k == "bottomX") return kBottomX;
  if (k == "bottomY") return kBottomY;
  if (k == "isCrowd") return kIsCrowd;
  return kOther;
}

}  // namespace

Dataset read_jsonl_text(const std::string& text_in, const std::string& file_label, const std::string& base_dir,
                        const ReadOptions& opts, Diagnostics& diag) {
  static const char* coord_keys[4] = {"topX", "topY", "bottomX", "bottomY"};
  // simdjson reads up to SIMDJSON_PADDING bytes past a document: keep the text in a padded buffer.
  const simdjson::padded_string text(text_in);
  simdjson::dom::parser parser;
  Dataset ds;
  std::unordered_map<std::string, long> seen;  // resolved path -> line
  std::size_t pos = text_in.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;  // UTF-8 byte order mark
  long line_no = 0;
  std::vector<RawBox> raw;
  while (pos < text.size()) {
    const char* data = text.data();
    const char* nl = static_cast<const char*>(std::memchr(data + pos, '\n', text.size() - pos));
    std::size_t end = nl ? std::size_t(nl - data) : text.size();
    std::size_t len = end - pos;
    const std::size_t start = pos;
    pos = end + 1;
    ++line_no;
    if (len && data[start + len - 1] == '\r') --len;
    std::string_view line(data + start, len);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    Location where{file_label, line_no, "", ""};

    element j;
    if (auto err = parser.parse(data + start, len, false).get(j)) {
      std::string msg = std::string("not valid JSON: ") + simdjson::error_message(err);
      if (opts.drop_invalid_lines)
        diag.warn("invalid_line", where, msg + "; line dropped (invalid_lines: drop)");
      else
        diag.error("invalid_line", where, msg);
      continue;
    }
    simdjson::dom::object obj;
    if (j.get_object().get(obj)) {
      diag.error("wrong_type", where, "a line must be a JSON object, got " + type_name(j));
      continue;
    }
    element url_el, details_el, label_el;
    bool has_url = false, has_details = false, has_label = false;
    for (auto field : obj) {
      if (field.key == "image_url") { url_el = field.value; has_url = true; }
      else if (field.key == "image_details") { details_el = field.value; has_details = true; }
      else if (field.key == "label") { label_el = field.value; has_label = true; }
      else diag.warn("unknown_key", Location{file_label, line_no, "", std::string(field.key)}, "unknown key ignored");
    }
    if (!has_url || url_el.type() != element_type::STRING) {
      diag.error(has_url ? "wrong_type" : "incomplete_record", Location{file_label, line_no, "", "image_url"},
                 has_url ? "image_url must be a string" : "required key 'image_url' is missing");
      continue;
    }
    ImageRecord rec;
    rec.url = std::string(url_el.get_string().value_unsafe());
    rec.source = SourceRef{file_label, line_no, ""};

    int dw = 0, dh = 0;
    if (has_details && details_el.type() != element_type::NULL_VALUE) {
      simdjson::dom::object d;
      if (details_el.get_object().get(d)) {
        diag.warn("wrong_type", Location{file_label, line_no, "", "image_details"}, "image_details must be an object; ignored");
      } else {
        for (auto f : d) {
          if (f.key == "format") {
            if (f.value.type() == element_type::STRING) rec.format = std::string(f.value.get_string().value_unsafe());
            else diag.warn("wrong_type", Location{file_label, line_no, "image_details", "format"}, "format must be a string; ignored");
          } else if (f.key == "width" || f.key == "height") {
            int s = to_size(f.value);
            if (s < 0)
              diag.warn("wrong_type", Location{file_label, line_no, "image_details", std::string(f.key)},
                        "must be a positive integer or \"<n>px\"; ignored");
            else
              (f.key == "width" ? dw : dh) = s;
          } else {
            diag.warn("unknown_key", Location{file_label, line_no, "image_details", std::string(f.key)}, "unknown key ignored");
          }
        }
      }
    }

    if (!has_label) {
      diag.error("incomplete_record", Location{file_label, line_no, "", "label"}, "required key 'label' is missing");
      continue;
    }
    simdjson::dom::array labels;
    if (label_el.get_array().get(labels)) {
      diag.error("wrong_type", Location{file_label, line_no, "", "label"}, "label must be a list of boxes, got " + type_name(label_el));
      continue;
    }
    raw.clear();
    std::size_t i = 0;
    for (element b : labels) {
      const std::size_t idx = i++;
      auto box_loc = [&](const std::string& field) { return Location{file_label, line_no, fmt::format("label[{}]", idx), field}; };
      simdjson::dom::object bo;
      if (b.get_object().get(bo)) {
        diag.error("wrong_type", box_loc(""), "a box must be an object, got " + type_name(b));
        continue;
      }
      element vals[6];
      bool have[6] = {false, false, false, false, false, false};
      for (auto f : bo) {
        Key k = box_key(f.key);
        if (k == kOther) {
          diag.warn("unknown_key", box_loc(std::string(f.key)), "unknown key ignored");
          continue;
        }
        vals[k] = f.value;
        have[k] = true;
      }
      std::string missing;
      static const char* names[5] = {"label", "topX", "topY", "bottomX", "bottomY"};
      for (int k = 0; k < 5; ++k)
        if (!have[k]) missing += (missing.empty() ? "" : ", ") + std::string(names[k]);
      if (!missing.empty()) {
        diag.error("incomplete_record", box_loc(""), "incomplete record: missing " + missing + "; box dropped");
        continue;
      }
      if (vals[kLabel].type() != element_type::STRING || vals[kLabel].get_string().value_unsafe().empty()) {
        diag.error("wrong_type", box_loc("label"),
                   vals[kLabel].type() == element_type::STRING
                       ? "class name is empty; box dropped"
                       : "class name must be a string, got " + type_name(vals[kLabel]) + "; box dropped");
        continue;
      }
      RawBox r{{0, 0, 0, 0}, std::string(vals[kLabel].get_string().value_unsafe()), false, idx};
      bool ok = true;
      for (int c = 0; c < 4 && ok; ++c) {
        if (!to_number(vals[kTopX + c], r.v[c])) {
          diag.error("wrong_type", box_loc(coord_keys[c]),
                     "coordinate " + simdjson::minify(vals[kTopX + c]) + " is not a number; box dropped");
          ok = false;
        }
      }
      if (!ok) continue;
      if (have[kIsCrowd]) r.crowd = parse_crowd(vals[kIsCrowd], box_loc("isCrowd"), diag);
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
    rec.boxes.reserve(raw.size());
    for (auto& r : raw) {
      // Validity is checked first without building a Location: the common case is a valid box.
      bool valid = true;
      for (double v : r.v) valid = valid && v >= 0.0 && v <= 1.0;
      valid = valid && r.v[0] < r.v[2] && r.v[1] < r.v[3];
      std::optional<Box> box;
      if (valid) {
        box = Box{r.v[0] * rec.width, r.v[1] * rec.height, r.v[2] * rec.width, r.v[3] * rec.height, "", false};
      } else {
        box = normalized_to_box(r.v[0], r.v[1], r.v[2], r.v[3], rec.width, rec.height,
                                Location{file_label, line_no, fmt::format("label[{}]", r.index), ""}, diag);
        if (!box) continue;
      }
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
