// `autodet data validate PATH`: read a dataset, decode every image, report every problem.
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/data_options.h"
#include "core/log.h"

namespace autodet::cli {
namespace {

struct Args {
  std::string path;
  DataArgs data;
  bool json = false;
  bool header_only = false;
};

void run(const Args& a) {
  Diagnostics diag;
  SplitDataset sd = load_dataset(a.path, a.data.data_format(),
                                 a.data.read_options(a.header_only ? ImageCheck::Header : ImageCheck::Decode), diag);
  if (a.json) {
    nlohmann::json j;
    j["path"] = a.path;
    j["ok"] = diag.ok();
    j["errors"] = diag.errors();
    j["warnings"] = diag.warnings();
    j["images"] = sd.image_count();
    j["boxes"] = sd.box_count();
    j["classes"] = sd.classes();
    j["diagnostics"] = diag.to_json();
    log::out() << j.dump(2) << "\n";
  } else {
    print_diagnostics(diag);
    log::out() << (diag.ok() ? "OK: " : "NOT USABLE: ") << a.path << ": " << sd.image_count() << " usable images, "
               << sd.box_count() << " boxes, " << sd.classes().size() << " classes; " << diag.errors() << " errors, "
               << diag.warnings() << " warnings\n";
  }
  if (!diag.ok()) set_exit_code(1);
}

CommandRegistrar reg(11, [](CLI::App& root) {
  auto& data = command_group(root, "data", "Import, validate, inspect and generate datasets");
  auto args = std::make_shared<Args>();
  auto* cmd = data.add_subcommand("validate", "Check a dataset: every image decoded, every box checked; exit 1 on errors");
  cmd->add_option("PATH", args->path, "MLTable folder, JSONL, COCO JSON, VOC/YOLO folder, CSV, or an imported folder")->required();
  args->data.add_to(*cmd);
  cmd->add_flag("--json", args->json, "Print the report as JSON");
  cmd->add_flag("--header-only", args->header_only, "Read only image headers (faster; misses corrupt pixel data)");
  cmd->callback([args] { run(*args); });
});

}  // namespace
}  // namespace autodet::cli
