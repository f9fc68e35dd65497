#include "data/formats/csv.h"

#include <algorithm>
#include <charconv>
#include <map>

#include <fmt/format.h>

#include "core/error.h"
#include "core/fs.h"
#include "data/box_check.h"
#include "data/image_locate.h"
#include "data/image_probe.h"

namespace autodet {
namespace {

// Splits one CSV record (RFC 4180 quoting). Advances pos past the record's line end.
std::vector<std::string> next_record(const std::string& text, std::size_t& pos, long& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  while (pos < text.size()) {
    char c = text[pos++];
    if (quoted) {
      if (c == '"') {
        if (pos < text.size() && text[pos] == '"') { fields.back() += '"'; ++pos; }
        else quoted = false;
      } else {
        if (c == '\n') ++line;
        fields.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else if (c == '\n') {
      break;
    } else if (c != '\r') {
      fields.back() += c;
    }
  }
  for (auto& f : fields) {
    auto a = f.find_first_not_of(" \t"), b = f.find_last_not_of(" \t");
    f = a == std::string::npos ? "" : f.substr(a, b - a + 1);
  }
  return fields;
}

bool parse_double(const std::string& s, double& out) {
  if (s.empty()) return false;
  auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

}  // namespace

std::string split_from_file_name(const std::string& path) {
  std::string n = lower(stem(path));
  if (n.find("train") != std::string::npos) return "train";
  if (n.find("test") != std::string::npos) return "test";
  if (n.find("val") != std::string::npos) return "validation";
  return "";
}

Dataset read_csv_text(const std::string& text, const std::string& file, const std::string& source_dir,
                      const ReadOptions& opts, Diagnostics& diag) {
  std::size_t pos = text.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
  long line = 1;
  auto header = next_record(text, pos, line);
  static const std::map<std::string, std::string> aliases{
      {"filename", "filename"}, {"file_name", "filename"}, {"image", "filename"}, {"image_path", "filename"},
      {"width", "width"},       {"height", "height"},      {"class", "class"},   {"label", "class"},
      {"xmin", "xmin"},         {"ymin", "ymin"},          {"xmax", "xmax"},     {"ymax", "ymax"},
      {"iscrowd", "iscrowd"},   {"is_crowd", "iscrowd"}};
  std::map<std::string, std::size_t> col;
  for (std::size_t i = 0; i < header.size(); ++i) {
    auto it = aliases.find(lower(header[i]));
    if (it != aliases.end()) col[it->second] = i;
  }
  std::string missing;
  for (const char* k : {"filename", "class", "xmin", "ymin", "xmax", "ymax"})
    if (!col.count(k)) missing += (missing.empty() ? "" : ", ") + std::string(k);
  if (!missing.empty())
    throw DataError(Location{file, 1, "", "header"},
                    "CSV header lacks column(s) " + missing + " (expected filename,width,height,class,xmin,ymin,xmax,ymax)");

  Dataset ds;
  std::map<std::string, std::size_t> index;  // filename -> image index, or npos for unusable images
  constexpr std::size_t kBad = std::size_t(-1);
  while (pos < text.size()) {
    long row_line = ++line;
    auto f = next_record(text, pos, line);
    if (f.size() == 1 && f[0].empty()) continue;
    Location where{file, row_line, "", ""};
    if (f.size() < header.size()) {
      diag.error("wrong_type", where, fmt::format("row has {} fields, header has {}; row dropped", f.size(), header.size()));
      continue;
    }
    const std::string& name = f[col["filename"]];
    auto it = index.find(name);
    if (it == index.end()) {
      ImageRecord rec;
      rec.url = name;
      rec.source = SourceRef{file, row_line, ""};
      double w = 0, h = 0;
      if (col.count("width")) parse_double(f[col["width"]], w);
      if (col.count("height")) parse_double(f[col["height"]], h);
      if (!(w >= 1 && w < 1e6)) w = 0;
      if (!(h >= 1 && h < 1e6)) h = 0;
      rec.path = locate_image(name, source_dir, opts, Location{file, row_line, "", "filename"}, diag);
      bool ok = !rec.path.empty() && settle_image(rec, int(w), int(h), opts, Location{file, row_line, "", ""}, diag);
      it = index.emplace(name, ok ? ds.images.size() : kBad).first;
      if (ok) ds.images.push_back(std::move(rec));
    }
    if (it->second == kBad) continue;
    ImageRecord& rec = ds.images[it->second];
    const std::string& label = f[col["class"]];
    // A row with no class and no coordinates lists an image without boxes.
    if (label.empty() && f[col["xmin"]].empty() && f[col["ymin"]].empty() && f[col["xmax"]].empty() && f[col["ymax"]].empty())
      continue;
    if (label.empty()) {
      diag.error("incomplete_record", Location{file, row_line, "", "class"}, "class is empty; box dropped");
      continue;
    }
    double v[4];
    bool ok = true;
    const char* keys[4] = {"xmin", "ymin", "xmax", "ymax"};
    for (int k = 0; k < 4 && ok; ++k)
      if (!parse_double(f[col[keys[k]]], v[k])) {
        diag.error("wrong_type", Location{file, row_line, "", keys[k]}, "'" + f[col[keys[k]]] + "' is not a number; box dropped");
        ok = false;
      }
    if (!ok) continue;
    auto box = checked_pixel_box(v[0], v[1], v[2], v[3], rec.width, rec.height, Location{file, row_line, "", "box"}, diag);
    if (!box) continue;
    box->label = label;
    if (col.count("iscrowd")) {
      const std::string c = lower(f[col["iscrowd"]]);
      box->crowd = c == "1" || c == "true";  // R1.8's rule, as for JSONL isCrowd
    }
    rec.boxes.push_back(std::move(*box));
  }
  return ds;
}

Dataset read_csv(const std::string& path, const ReadOptions& opts, Diagnostics& diag) {
  return read_csv_text(read_file(path), path, parent_dir(path), opts, diag);
}

}  // namespace autodet
