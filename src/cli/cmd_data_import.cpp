// `autodet data import`: any supported label format -> train/validation/test MLTable folders.
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/data_options.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/log.h"
#include "data/formats/csv.h"
#include "data/formats/mltable.h"
#include "data/split.h"

namespace autodet::cli {
namespace {

struct Args {
  std::vector<std::string> sources;
  std::string out;
  DataArgs data;
  double val_fraction = 0.2;
  std::uint64_t seed = 0;
  std::vector<std::string> split_files;
  bool copy_images = false;
  bool strict = false;
};

SplitDataset read_sources(const Args& a, const ReadOptions& opts, Diagnostics& diag) {
  DataFormat fmt = a.data.data_format();
  if (a.sources.size() == 1) return load_dataset(a.sources[0], fmt, opts, diag);
  // Several sources: each is one split, named by its file name (train_labels.csv -> train).
  SplitDataset sd;
  for (const auto& src : a.sources) {
    std::string split = split_from_file_name(src);
    if (split.empty())
      throw UsageError(Location{src, 0, "", ""}, "with several sources each file name must name its split (train, val, test)");
    if (sd.splits.count(split)) throw UsageError(Location{src, 0, "", ""}, "a second source for split '" + split + "'");
    SplitDataset one = load_dataset(src, fmt, opts, diag);
    sd.splits[split] = one.merged();
  }
  return sd;
}

void run(const Args& a) {
  Diagnostics diag;
  ReadOptions opts = a.data.read_options(ImageCheck::Header);
  SplitDataset sd = read_sources(a, opts, diag);
  if (!a.split_files.empty()) {
    std::map<std::string, std::string> lists;
    for (const auto& s : a.split_files) {
      auto eq = s.find('=');
      if (eq == std::string::npos) throw UsageError("--split-file takes SPLIT=FILE, got '" + s + "'");
      lists[s.substr(0, eq)] = s.substr(eq + 1);
    }
    apply_split_lists(sd, lists, diag);
  }
  split_validation(sd, a.val_fraction, a.seed);
  print_diagnostics(diag);
  if (a.strict && !diag.ok())
    throw DataError(fmt::format("{} errors in the source (see above); nothing written because of --strict", diag.errors()));
  if (sd.image_count() == 0) throw DataError("no usable images in the source; nothing written");

  make_dirs(a.out);
  nlohmann::json report;
  for (const auto& name : sd.names()) {
    Dataset d = sd.splits.at(name);
    if (d.images.empty()) continue;
    d.sort_by_url();
    write_mltable_folder(d, join_path(a.out, name), name + "_annotations.jsonl", WriteOptions{a.copy_images});
    report["splits"][name] = {{"images", d.images.size()}, {"boxes", d.box_count()}};
    log::out() << fmt::format("{:<10} {:>6} images {:>7} boxes  -> {}\n", name, d.images.size(), d.box_count(),
                              join_path(a.out, name));
  }
  report["sources"] = a.sources;
  report["classes"] = sd.classes();
  report["errors"] = diag.errors();
  report["warnings"] = diag.warnings();
  report["diagnostics"] = diag.to_json();
  write_file_atomic(join_path(a.out, "import_report.json"), report.dump(2) + "\n");
  log::out() << fmt::format("classes: {}\n", fmt::join(sd.classes(), ", "));
  log::info("{} errors (those images or boxes skipped), {} warnings; full report in {}", diag.errors(), diag.warnings(),
            join_path(a.out, "import_report.json"));
  log::info("only image headers were read, no pixel data was decoded: `autodet data validate {}` decodes every image "
            "and lists any that cannot be used (training leaves those out)",
            a.out);
}

CommandRegistrar reg(10, [](CLI::App& root) {
  auto& data = command_group(root, "data", "Import, validate, inspect and generate datasets");
  auto args = std::make_shared<Args>();
  auto* cmd = data.add_subcommand("import", "Convert COCO, VOC, YOLO or CSV labels to train/validation/test MLTable folders");
  cmd->add_option("SRC", args->sources, "Source: COCO JSON, VOC folder, YOLO folder/data.yaml, or one or more CSV files")
      ->required();
  cmd->add_option("--out", args->out, "Output folder")->required();
  args->data.add_to(*cmd);
  cmd->add_option("--val-fraction", args->val_fraction, "Hold-out fraction when the source has no validation split")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--seed", args->seed, "Seed of the validation hold-out");
  cmd->add_option("--split-file", args->split_files, "SPLIT=FILE: image ids for a split (train, val, test); repeatable");
  cmd->add_flag("--copy-images", args->copy_images, "Copy images into the output so it is self-contained");
  cmd->add_flag("--strict", args->strict, "Write nothing when the source has any error");
  cmd->callback([args] { run(*args); });
});

}  // namespace
}  // namespace autodet::cli
