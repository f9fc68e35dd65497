#include "data/load.h"

#include <map>

#include <fmt/format.h>

#include "core/error.h"
#include "core/fs.h"
#include "data/formats/coco.h"
#include "data/formats/csv.h"
#include "data/formats/jsonl.h"
#include "data/formats/mltable.h"
#include "data/formats/voc.h"
#include "data/formats/yolo.h"

namespace autodet {
namespace {

// Split folder names as `data import` writes them, and common alternatives.
std::string split_of_folder(const std::string& name) {
  if (name == "train" || name == "training" || name == "training-mltable-folder") return "train";
  if (name == "validation" || name == "val" || name == "valid" || name == "validation-mltable-folder") return "validation";
  if (name == "test" || name == "test-mltable-folder") return "test";
  return "";
}

std::map<std::string, std::string> split_folders(const std::string& dir) {
  std::map<std::string, std::string> out;
  if (!fs_is_dir(dir)) return out;
  for (const auto& sub : {"train", "training", "training-mltable-folder", "validation", "val", "valid",
                          "validation-mltable-folder", "test", "test-mltable-folder"}) {
    std::string p = join_path(dir, sub);
    if (is_mltable(p) && !out.count(split_of_folder(sub))) out[split_of_folder(sub)] = p;
  }
  return out;
}

// An image listed in two splits leaks evaluation data into training.
void check_cross_split_duplicates(const SplitDataset& sd, Diagnostics& diag) {
  std::map<std::string, std::string> seen;
  for (const auto& name : sd.names())
    for (const auto& im : sd.splits.at(name).images) {
      auto [it, ok] = seen.emplace(absolute_path(im.path), name);
      if (!ok && it->second != name)
        diag.error("image_in_two_splits", Location{im.source.file, im.source.line, im.source.element, "image_url"},
                   "image '" + im.url + "' is in both '" + it->second + "' and '" + name + "'");
    }
}

}  // namespace

DataFormat parse_format(const std::string& name) {
  static const std::map<std::string, DataFormat> m{{"auto", DataFormat::Auto}, {"jsonl", DataFormat::Jsonl},
                                                   {"mltable", DataFormat::MLTable}, {"coco", DataFormat::Coco},
                                                   {"voc", DataFormat::Voc}, {"yolo", DataFormat::Yolo},
                                                   {"csv", DataFormat::Csv}, {"splits", DataFormat::Splits}};
  auto it = m.find(name);
  if (it == m.end()) throw UsageError("unknown format '" + name + "' (auto, jsonl, mltable, coco, voc, yolo, csv)");
  return it->second;
}

std::string format_name(DataFormat f) {
  switch (f) {
    case DataFormat::Auto: return "auto";
    case DataFormat::Jsonl: return "jsonl";
    case DataFormat::MLTable: return "mltable";
    case DataFormat::Coco: return "coco";
    case DataFormat::Voc: return "voc";
    case DataFormat::Yolo: return "yolo";
    case DataFormat::Csv: return "csv";
    case DataFormat::Splits: return "splits";
  }
  return "?";
}

DataFormat detect_format(const std::string& path) {
  if (!fs_exists(path)) throw UsageError(Location{path, 0, "", ""}, "does not exist");
  if (fs_is_dir(path)) {
    if (is_mltable(path)) return DataFormat::MLTable;
    if (!split_folders(path).empty()) return DataFormat::Splits;
    if (is_yolo(path)) return DataFormat::Yolo;
    if (is_voc_folder(path)) return DataFormat::Voc;
    throw UsageError(Location{path, 0, "", ""},
                     "cannot tell the dataset format of this folder (no MLTable, train/validation MLTable folders, "
                     "data.yaml or VOC .xml annotations); pass --format");
  }
  std::string ext = extension(path);
  if (file_name(path) == "MLTable") return DataFormat::MLTable;
  if (ext == "jsonl") return DataFormat::Jsonl;
  if (ext == "json") return DataFormat::Coco;
  if (ext == "yaml" || ext == "yml") return DataFormat::Yolo;
  if (ext == "csv") return DataFormat::Csv;
  throw UsageError(Location{path, 0, "", ""}, "cannot tell the dataset format from the file name; pass --format");
}

SplitDataset load_dataset(const std::string& path, DataFormat format, const ReadOptions& opts, Diagnostics& diag) {
  if (!fs_exists(path)) throw DataError(Location{path, 0, "", ""}, "dataset path does not exist");
  if (format == DataFormat::Auto) format = detect_format(path);
  SplitDataset sd;
  switch (format) {
    case DataFormat::Jsonl: sd.splits["train"] = read_jsonl(path, opts, diag); break;
    case DataFormat::MLTable: sd.splits["train"] = read_mltable(path, opts, diag); break;
    case DataFormat::Coco: sd.splits["train"] = read_coco(path, opts, diag); break;
    case DataFormat::Csv: sd.splits["train"] = read_csv(path, opts, diag); break;
    case DataFormat::Voc: sd = read_voc(path, opts, diag); break;
    case DataFormat::Yolo: sd = read_yolo(path, opts, diag); break;
    case DataFormat::Splits: {
      auto folders = split_folders(path);
      if (folders.empty())
        throw DataError(Location{path, 0, "", ""}, "no train/validation/test MLTable folders inside");
      for (const auto& [split, dir] : folders) sd.splits[split] = read_mltable(dir, opts, diag);
      break;
    }
    case DataFormat::Auto: break;
  }
  check_cross_split_duplicates(sd, diag);
  return sd;
}

}  // namespace autodet
