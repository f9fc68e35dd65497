#include "data/formats/mltable.h"

#include <filesystem>
#include <fnmatch.h>
#include <set>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "core/error.h"
#include "core/fs.h"
#include "data/formats/jsonl.h"
#include "data/image_url.h"

namespace autodet {
namespace {

// Single-byte encodings -> UTF-8. Windows-1252 differs from Latin-1 in 0x80-0x9F.
std::string to_utf8(const std::string& in, bool cp1252) {
  static const char16_t cp1252_hi[32] = {0x20AC, 0x81,   0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                         0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D,   0x017D, 0x8F,
                                         0x90,   0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                         0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D,   0x017E, 0x0178};
  std::string out;
  out.reserve(in.size());
  for (unsigned char c : in) {
    char32_t cp = c;
    if (cp1252 && c >= 0x80 && c < 0xA0) cp = cp1252_hi[c - 0x80];
    if (cp < 0x80) out += char(cp);
    else if (cp < 0x800) { out += char(0xC0 | (cp >> 6)); out += char(0x80 | (cp & 0x3F)); }
    else { out += char(0xE0 | (cp >> 12)); out += char(0x80 | ((cp >> 6) & 0x3F)); out += char(0x80 | (cp & 0x3F)); }
  }
  return out;
}

struct JsonLinesSpec {
  std::string encoding = "utf8";
  bool drop_invalid = false;
};

std::string mltable_file(const std::string& path) {
  if (fs_is_dir(path)) return join_path(path, "MLTable");
  return path;
}

Location at(const std::string& file, const YAML::Node& n, const std::string& field) {
  return Location{file, n.Mark().line >= 0 ? long(n.Mark().line) + 1 : 0, "", field};
}

}  // namespace

bool is_mltable(const std::string& path) {
  if (fs_is_dir(path)) return fs_exists(join_path(path, "MLTable"));
  return file_name(path) == "MLTable";
}

namespace {
Dataset read_mltable_impl(const std::string& file, const ReadOptions& opts, Diagnostics& diag);
}

Dataset read_mltable(const std::string& path, const ReadOptions& opts, Diagnostics& diag) {
  const std::string file = mltable_file(path);
  try {
    return read_mltable_impl(file, opts, diag);
  } catch (const YAML::Exception& e) {  // a value of the wrong YAML type (a list where text belongs, ...)
    throw DataError(Location{file, long(e.mark.line) + 1, "", ""}, "unexpected value: " + e.msg);
  }
}

namespace {
Dataset read_mltable_impl(const std::string& file, const ReadOptions& opts, Diagnostics& diag) {
  const std::string dir = parent_dir(file);
  std::string text = read_file(file);
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw DataError(Location{file, long(e.mark.line) + 1, "", ""}, "not valid YAML: " + e.msg);
  }
  if (!root.IsMap()) throw DataError(Location{file, 0, "", ""}, "MLTable must be a YAML mapping with 'paths'");
  for (auto it = root.begin(); it != root.end(); ++it) {
    std::string k = it->first.as<std::string>();
    if (k != "paths" && k != "transformations" && k != "$schema" && k != "type" && k != "metadata")
      diag.warn("unknown_key", at(file, it->first, k), "unknown MLTable key ignored");
  }
  if (root["type"] && root["type"].as<std::string>() != "mltable")
    throw DataError(at(file, root["type"], "type"), "type must be 'mltable'");

  JsonLinesSpec spec;
  bool have_read = false;
  if (const auto& tr = root["transformations"]) {
    if (!tr.IsSequence()) throw DataError(at(file, tr, "transformations"), "transformations must be a list");
    for (const auto& t : tr) {
      std::string name = t.IsMap() && t.size() == 1 ? t.begin()->first.as<std::string>() : t.IsScalar() ? t.as<std::string>() : "";
      const YAML::Node params = t.IsMap() && t.size() == 1 ? t.begin()->second : YAML::Node();
      if (name == "read_json_lines") {
        have_read = true;
        if (params.IsMap()) {
          for (auto p = params.begin(); p != params.end(); ++p) {
            std::string k = p->first.as<std::string>();
            Location l = at(file, p->first, "read_json_lines/" + k);
            if (k == "encoding") spec.encoding = p->second.as<std::string>();
            else if (k == "invalid_lines") {
              std::string v = p->second.as<std::string>();
              if (v != "error" && v != "drop")
                throw DataError(l, "invalid_lines must be 'error' or 'drop', got '" + v + "'");
              spec.drop_invalid = v == "drop";
            } else if (k == "include_path_column" || k == "partition_size" || k == "path")
              ;  // accepted; no effect on detection data
            else
              diag.warn("unknown_key", l, "unknown read_json_lines parameter ignored");
          }
        }
      } else if (name == "convert_column_types") {
        if (!params.IsSequence())
          throw DataError(at(file, t, "convert_column_types"), "convert_column_types must be a list of {columns, column_type}");
        for (const auto& c : params) {
          std::vector<std::string> cols;
          if (c["columns"].IsSequence()) for (const auto& s : c["columns"]) cols.push_back(s.as<std::string>());
          else if (c["columns"]) cols.push_back(c["columns"].as<std::string>());
          std::string type = c["column_type"] ? c["column_type"].as<std::string>() : "";
          for (const auto& col : cols) {
            if (col == "image_url" && type == "stream_info") continue;
            if (type == "string" && col != "image_url") continue;
            throw NotSupportedError(at(file, c, "convert_column_types"),
                                    "converting column '" + col + "' to '" + type +
                                        "' is not supported (only image_url -> stream_info)");
          }
        }
      } else {
        throw NotSupportedError(at(file, t, "transformations"),
                                "MLTable transformation '" + name +
                                    "' is not supported (supported: read_json_lines, convert_column_types)");
      }
    }
  }
  if (!have_read)
    throw NotSupportedError(Location{file, 0, "", "transformations"},
                            "MLTable has no read_json_lines transformation; object-detection data must be JSON Lines");
  bool cp1252 = false, single_byte = false;
  const std::string& enc = spec.encoding;
  if (enc == "latin1" || enc == "iso88591") single_byte = true;
  else if (enc == "windows1252") single_byte = cp1252 = true;
  else if (enc != "utf8" && enc != "utf8bom" && enc != "ascii")
    throw NotSupportedError(Location{file, 0, "", "read_json_lines/encoding"},
                            "encoding '" + enc + "' is not supported (utf8, utf8bom, ascii, latin1, iso88591, windows1252)");

  const auto& paths = root["paths"];
  if (!paths || !paths.IsSequence() || paths.size() == 0)
    throw DataError(Location{file, 0, "", "paths"}, "MLTable needs a non-empty 'paths' list");
  std::vector<std::string> files;
  for (const auto& p : paths) {
    if (!p.IsMap() || p.size() != 1)
      throw DataError(at(file, p, "paths"), "each path must be one of {file: ...}, {folder: ...}, {pattern: ...}");
    std::string kind = p.begin()->first.as<std::string>();
    std::string uri = p.begin()->second.as<std::string>();
    Location l = at(file, p, "paths/" + kind);
    if (is_remote_url(uri))
      throw NotSupportedError(l, "remote path '" + uri + "' cannot be read offline; download it and use a local path");
    if (uri.rfind("file://", 0) == 0) uri = uri.substr(7);
    std::string local = std::filesystem::path(uri).is_absolute() ? uri : join_path(dir, uri);
    if (kind == "file") {
      if (!fs_exists(local)) throw DataError(l, "file '" + local + "' does not exist");
      files.push_back(local);
    } else if (kind == "folder") {
      if (!fs_is_dir(local)) throw DataError(l, "folder '" + local + "' does not exist");
      for (const auto& f : list_files(local))
        if (extension(f) == "jsonl" || extension(f) == "json") files.push_back(f);
    } else if (kind == "pattern") {
      std::string pat = std::filesystem::path(local).lexically_normal().string();
      // Walk from the longest prefix without wildcards.
      std::string base = pat.substr(0, pat.find_first_of("*?["));
      base = base.substr(0, base.find_last_of('/') + 1);
      if (base.empty()) base = ".";
      std::size_t before = files.size();
      if (fs_is_dir(base))
        for (const auto& f : list_files_recursive(base))
          if (::fnmatch(pat.c_str(), std::filesystem::path(f).lexically_normal().c_str(), 0) == 0) files.push_back(f);
      if (files.size() == before) throw DataError(l, "pattern '" + uri + "' matches no file");
    } else {
      throw DataError(l, "unknown path kind '" + kind + "' (file, folder or pattern)");
    }
  }

  ReadOptions o = opts;
  o.drop_invalid_lines = o.drop_invalid_lines || spec.drop_invalid;
  Dataset all;
  for (const auto& f : files) {
    std::string text = read_file(f);
    if (single_byte) text = to_utf8(text, cp1252);
    // Relative image URLs are relative to the folder holding the MLTable (R1.21).
    Dataset part = read_jsonl_text(text, f, dir, o, diag);
    all.images.insert(all.images.end(), std::make_move_iterator(part.images.begin()),
                      std::make_move_iterator(part.images.end()));
  }
  return all;
}
}  // namespace

std::string mltable_yaml(const std::string& jsonl_name) {
  return fmt::format(
      "paths:\n"
      "  - file: ./{}\n"
      "transformations:\n"
      "  - read_json_lines:\n"
      "        encoding: utf8\n"
      "        invalid_lines: error\n"
      "        include_path_column: false\n"
      "  - convert_column_types:\n"
      "      - columns: image_url\n"
      "        column_type: stream_info\n",
      jsonl_name);
}

void write_mltable_folder(const Dataset& ds, const std::string& dir, const std::string& jsonl_name,
                          const WriteOptions& opts) {
  make_dirs(dir);
  Dataset out = ds;
  std::set<std::string> used;
  for (auto& im : out.images) {
    if (im.path.empty() || im.width <= 0 || im.height <= 0)
      throw Error(Location{im.source.file, im.source.line, im.source.element, ""},
                  "image '" + im.url + "' has no resolved file or size; cannot write it");
    if (opts.copy_images) {
      std::string name = file_name(im.path);
      for (int k = 1; used.count(name); ++k) name = stem(im.path) + "_" + std::to_string(k) + "." + extension(im.path);
      used.insert(name);
      make_dirs(join_path(dir, "images"));
      write_file_atomic(join_path(join_path(dir, "images"), name), read_file(im.path));
      im.url = "images/" + name;
    } else {
      im.url = absolute_path(im.path);
    }
  }
  write_file_atomic(join_path(dir, jsonl_name), to_jsonl(out));
  write_file_atomic(join_path(dir, "MLTable"), mltable_yaml(jsonl_name));
}

}  // namespace autodet
