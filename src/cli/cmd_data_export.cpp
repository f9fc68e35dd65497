// `autodet data export DATASET --format F --out PATH`: any dataset autodet reads, written as
// COCO, Pascal VOC, YOLO, CSV, JSONL or MLTable labels.
#include <fmt/format.h>

#include "cli/command.h"
#include "cli/data_options.h"
#include "core/error.h"
#include "core/log.h"
#include "data/export.h"

namespace autodet::cli {
namespace {

struct Args {
  std::string path;
  DataArgs data;
  std::string format;
  std::string out;
  std::string image_files;
  std::string split;
  bool strict = false;
};

void run(const Args& a) {
  Diagnostics diag;
  SplitDataset sd = load_dataset(a.path, a.data.data_format(), a.data.read_options(ImageCheck::Header), diag);
  print_diagnostics(diag);
  if (a.strict && !diag.ok())
    throw DataError(fmt::format("{} errors in the source (see above); nothing written because of --strict", diag.errors()));
  if (sd.image_count() == 0) throw DataError(Location{a.path, 0, "", ""}, "no usable images in the source; nothing written");
  ExportOptions o;
  o.format = parse_format(a.format);
  o.images = a.image_files.empty() ? ImageFiles::Default : parse_image_files(a.image_files);
  o.split = a.split;
  const ExportResult r = export_dataset(std::move(sd), a.out, o);
  if (!diag.ok())
    log::warn("{} errors in the source: those images or boxes are not in the export (`autodet data validate {}` lists them)",
              diag.errors(), a.path);
  if (r.splits_merged) log::info("the splits are merged: a {} file holds one list of images", a.format);
  if (r.crowd_dropped)
    log::warn("{} crowd boxes left out: YOLO labels have no crowd flag (COCO, VOC, CSV and JSONL keep them)", r.crowd_dropped);
  log::out() << fmt::format("{} images, {} boxes -> {} ({}){}\n", r.images, r.boxes, a.out, a.format,
                            r.image_folder.empty() ? "" : "; images in " + r.image_folder);
}

CommandRegistrar reg(13, [](CLI::App& root) {
  auto& data = command_group(root, "data", "Import, validate, inspect and generate datasets");
  auto args = std::make_shared<Args>();
  auto* cmd = data.add_subcommand("export", "Write a dataset's labels as COCO, VOC, YOLO, CSV, JSONL or MLTable");
  cmd->add_option("PATH", args->path, "Any dataset form autodet reads")->required();
  cmd->add_option("--format", args->format, "Output format: coco, voc, yolo, csv, jsonl or mltable")
      ->required()
      ->check(CLI::IsMember({"coco", "voc", "yolo", "csv", "jsonl", "mltable"}));
  cmd->add_option("--out", args->out, "Output: a .json/.csv/.jsonl file, or a folder for voc, yolo and mltable")->required();
  args->data.add_to(*cmd, true, "--from");
  cmd->add_option("--image-files", args->image_files,
                  "reference (default; yolo: symlink), symlink or copy the images into the output")
      ->check(CLI::IsMember({"reference", "symlink", "copy"}));
  cmd->add_option("--split", args->split, "Export one split only (train, validation, test)");
  cmd->add_flag("--strict", args->strict, "Write nothing when the source has any error");
  cmd->callback([args] { run(*args); });
});

}  // namespace
}  // namespace autodet::cli
