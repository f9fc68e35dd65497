#include "data/export.h"

#include <filesystem>
#include <map>
#include <vector>

#include "core/error.h"
#include "core/fs.h"
#include "data/formats/coco.h"
#include "data/formats/csv.h"
#include "data/formats/jsonl.h"
#include "data/formats/mltable.h"
#include "data/formats/voc.h"
#include "data/formats/write_util.h"
#include "data/formats/yolo.h"

namespace autodet {
namespace {

namespace stdfs = std::filesystem;

bool one_file_format(DataFormat f) { return f == DataFormat::Coco || f == DataFormat::Csv || f == DataFormat::Jsonl; }

void check_exportable(const SplitDataset& sd) {
  for (const auto& [split, ds] : sd.splits)
    for (const auto& im : ds.images) {
      const Location where{im.source.file, im.source.line, im.source.element, ""};
      if (im.path.empty()) throw DataError(where, "image '" + im.url + "' has no local file; give --image-root to map it");
      if (im.width <= 0 || im.height <= 0)
        throw DataError(where, "image '" + im.url + "' has no known size; it cannot be exported");
      if (im.crop) throw DataError(where, "image '" + im.url + "' is a tile of a larger image; export the whole images");
    }
}

// Links or copies the images into folder (names unique among them), pointing the records there.
void place_images(const std::vector<ImageRecord*>& records, const std::string& folder, ImageFiles mode) {
  make_dirs(folder);
  const std::vector<std::string> names = unique_file_names({records.begin(), records.end()});
  for (std::size_t i = 0; i < records.size(); ++i) {
    ImageRecord& im = *records[i];
    const std::string source = stdfs::weakly_canonical(absolute_path(im.path)).string();
    const std::string target = join_path(folder, names[i]);
    std::error_code ec;
    if (stdfs::weakly_canonical(target, ec).string() == source) {  // exported onto itself: already there
      im.path = target;
      continue;
    }
    stdfs::remove(target, ec);
    if (mode == ImageFiles::Symlink) stdfs::create_symlink(source, target, ec);
    else stdfs::copy_file(source, target, ec);
    if (ec) throw Error(Location{target, 0, "", ""}, "cannot " + std::string(mode == ImageFiles::Symlink ? "link" : "copy") +
                                                         " '" + source + "' here: " + ec.message());
    im.path = target;
  }
}

// The folder the images of one split go to, for formats that hold images.
std::string image_folder(DataFormat f, const std::string& out, const std::string& split) {
  switch (f) {
    case DataFormat::Voc: return join_path(out, "JPEGImages");
    case DataFormat::Yolo: return join_path(out, "images/" + yolo_split_folder(split));
    case DataFormat::MLTable: return join_path(out, "images");
    default: return join_path(parent_dir(absolute_path(out)), "images");
  }
}

}  // namespace

ImageFiles parse_image_files(const std::string& word) {
  if (word == "reference") return ImageFiles::Reference;
  if (word == "symlink") return ImageFiles::Symlink;
  if (word == "copy") return ImageFiles::Copy;
  throw UsageError(Location{"", 0, "", "--image-files"}, "'" + word + "' is not allowed; expected reference, symlink or copy");
}

ExportResult export_dataset(SplitDataset sd, const std::string& out, const ExportOptions& o) {
  const DataFormat f = o.format;
  if (!one_file_format(f) && f != DataFormat::Voc && f != DataFormat::Yolo && f != DataFormat::MLTable)
    throw UsageError(Location{"", 0, "", "--format"}, "cannot write format '" + format_name(f) +
                                                          "'; expected coco, voc, yolo, csv, jsonl or mltable");
  ImageFiles mode = o.images;
  if (mode == ImageFiles::Default) mode = f == DataFormat::Yolo ? ImageFiles::Symlink : ImageFiles::Reference;
  if (mode == ImageFiles::Reference && f == DataFormat::Yolo)
    throw UsageError(Location{"", 0, "", "--image-files"},
                     "a YOLO folder needs its images in images/<split>/ (labels are found by the image path): use "
                     "--image-files symlink (the default) or copy");
  if (!o.split.empty()) {
    auto it = sd.splits.find(o.split);
    if (it == sd.splits.end()) {
      std::string have;
      for (const auto& n : sd.names()) have += (have.empty() ? "" : ", ") + n;
      throw UsageError(Location{"", 0, "", "--split"}, "the dataset has no split '" + o.split + "' (it has: " + have + ")");
    }
    SplitDataset one;
    one.splits[o.split] = it->second;
    sd = std::move(one);
  }
  check_exportable(sd);
  ExportResult r;
  if (one_file_format(f) || f == DataFormat::MLTable) {
    r.splits_merged = sd.splits.size() > 1;
    SplitDataset merged;
    merged.splits["train"] = sd.merged();
    sd = std::move(merged);
  }
  if (!one_file_format(f)) make_dirs(out);
  // One image folder for all splits, except YOLO's images/<split>/.
  std::map<std::string, std::vector<ImageRecord*>> by_folder;
  for (const auto& split : sd.names())
    for (auto& im : sd.splits.at(split).images) by_folder[image_folder(f, out, split)].push_back(&im);
  for (const auto& [folder, records] : by_folder) {
    if (mode == ImageFiles::Reference) break;
    r.image_folder = folder;
    place_images(records, folder, mode);
  }
  if (f == DataFormat::Yolo) r.image_folder = join_path(out, "images");
  const Dataset all = sd.merged();
  r.images = all.images.size();
  r.boxes = all.box_count();
  switch (f) {
    case DataFormat::Coco: write_coco(all, out); break;
    case DataFormat::Csv: write_csv(all, out); break;
    case DataFormat::Voc: write_voc(sd, out); break;
    case DataFormat::Yolo: r.crowd_dropped = write_yolo(sd, out); break;
    case DataFormat::Jsonl:
    case DataFormat::MLTable: {
      const std::string file = f == DataFormat::Jsonl ? absolute_path(out) : join_path(absolute_path(out), "annotations.jsonl");
      Dataset refs = all;
      for (auto& im : refs.images) im.url = image_reference(im.path, parent_dir(file));
      if (parent_dir(file) != ".") make_dirs(parent_dir(file));
      write_file_atomic(file, to_jsonl(refs));
      if (f == DataFormat::MLTable) write_file_atomic(join_path(out, "MLTable"), mltable_yaml("annotations.jsonl"));
      break;
    }
    default: break;
  }
  r.boxes -= r.crowd_dropped;
  return r;
}

}  // namespace autodet
