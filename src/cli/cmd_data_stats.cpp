// `autodet data stats PATH`: what is in a dataset.
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/data_options.h"
#include "core/log.h"
#include "data/stats.h"

namespace autodet::cli {
namespace {

struct Args {
  std::string path;
  DataArgs data;
  bool json = false;
};

void run(const Args& a) {
  Diagnostics diag;
  SplitDataset sd = load_dataset(a.path, a.data.data_format(), a.data.read_options(ImageCheck::Header), diag);
  if (!diag.ok())
    log::warn("{} errors while reading (run `autodet data validate` for details); statistics cover the usable images",
              diag.errors());
  DatasetStats all = compute_stats(sd.merged());
  if (a.json) {
    nlohmann::json j = stats_to_json(all);
    j["path"] = a.path;
    if (sd.splits.size() > 1)
      for (const auto& name : sd.names()) j["splits"][name] = stats_to_json(compute_stats(sd.splits.at(name)));
    log::out() << j.dump(2) << "\n";
    return;
  }
  log::out() << a.path << "\n" << stats_to_text(all);
  if (sd.splits.size() > 1) {
    log::out() << "\nsplits\n";
    for (const auto& name : sd.names()) {
      DatasetStats s = compute_stats(sd.splits.at(name));
      std::string per;
      for (const auto& [c, n] : s.classes) per += (per.empty() ? "" : ", ") + c + " " + std::to_string(n);
      log::out() << "  " << name << ": " << s.images << " images, " << s.boxes << " boxes (" << per << ")\n";
    }
  }
}

CommandRegistrar reg(12, [](CLI::App& root) {
  auto& data = command_group(root, "data", "Import, validate, inspect and generate datasets");
  auto args = std::make_shared<Args>();
  auto* cmd = data.add_subcommand("stats", "Images, classes, boxes per class, size and aspect histograms");
  cmd->add_option("PATH", args->path, "Any dataset form autodet reads")->required();
  args->data.add_to(*cmd);
  cmd->add_flag("--json", args->json, "Print JSON: images, boxes, classes (name -> boxes), splits, histograms");
  cmd->callback([args] { run(*args); });
});

}  // namespace
}  // namespace autodet::cli
