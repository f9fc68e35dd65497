// `autodet weights list | import FILE [--arch NAME] | verify | remove NAME | pull NAME`: the cache
// of published pretrained weights that `pretrained_weights: auto | coco | imagenet` starts from;
// `weights package FILE --arch NAME --out DIR` turns an upstream checkpoint into a model package.
#include <algorithm>
#include <cstdlib>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "core/log.h"
#include "hub/weights_cache.h"
#include "package/checkpoint_package.h"

namespace autodet::cli {
namespace {

struct Args {
  std::string file, name, url, ca_file, out, labels;
  int min_size = 800, max_size = 1333;
  double score = -1, nms = -1;
  bool json = false;
};

std::vector<std::string> split_labels(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char ch : s) {
    if (ch == ',') {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += ch;
    }
  }
  if (!cur.empty() || !out.empty()) out.push_back(cur);
  return out;
}

std::string megabytes(std::int64_t bytes) { return fmt::format("{:.1f} MB", double(bytes) / 1e6); }

void list(const Args& a) {
  hub::WeightsCache cache;
  const auto entries = cache.list();
  if (a.json) {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& e : entries)
      j.push_back({{"name", e.name},       {"family", e.family}, {"model_size", e.model_size}, {"kind", e.kind},
                   {"file", e.file},       {"present", e.present}, {"sha256", e.sha256},       {"size", e.size},
                   {"url", e.url},         {"licence", e.licence}, {"added", e.added},         {"origin", e.origin}});
    log::out() << nlohmann::json{{"folder", cache.folder()}, {"weights", j}}.dump(1) << "\n";
    return;
  }
  log::out() << "weights folder: " << cache.folder() << "\n";
  std::size_t width = 24;  // names line up however long the catalogue's longest is
  for (const auto& e : entries) width = std::max(width, e.name.size());
  for (const auto& e : entries) {
    log::out() << fmt::format("{:<{}} {:<10} {:<9}", e.name, width, e.present ? "cached" : "-", e.present ? megabytes(e.size) : "");
    if (e.present) log::out() << fmt::format(" sha256 {}  {}  added {}", e.sha256.empty() ? "(not hashed; run verify)" : e.sha256.substr(0, 16),
                                             e.licence, e.added.empty() ? "?" : e.added);
    else log::out() << " " << e.url;
    log::out() << "\n";
  }
}

hub::DownloadOptions download_options(const Args& a) {
  hub::DownloadOptions o;
  o.ca_file = a.ca_file;
  if (o.ca_file.empty())
    if (const char* env = std::getenv("AUTODET_CA_BUNDLE"); env && *env) o.ca_file = env;
  std::int64_t last = -1;
  o.progress = [last](std::int64_t done, std::int64_t total) mutable {
    const std::int64_t step = done / (4 << 20);
    if (step == last || total <= 0) return;
    last = step;
    log::info("  {} of {}", megabytes(done), megabytes(total));
  };
  return o;
}

CommandRegistrar reg(35, [](CLI::App& root) {
  auto& g = command_group(root, "weights", "The cache of published pretrained weights: list, import, verify, remove, pull");
  auto args = std::make_shared<Args>();
  auto* ls = g.add_subcommand("list", "Published weights autodet knows and which are in the cache");
  ls->add_flag("--json", args->json, "Print JSON");
  ls->callback([args] { list(*args); });

  auto* imp = g.add_subcommand("import", "Copy a weight file into the cache (recognised by its hash, or named with --arch)");
  imp->add_option("FILE", args->file, "A published .pth/.pt file")->required();
  imp->add_option("--arch", args->name, "Which published weights it is (a name of `weights list`)");
  imp->callback([args] {
    const auto e = hub::WeightsCache().import_file(args->file, args->name);
    log::out() << fmt::format("imported {} as {} ({}, sha256 {})\n", args->file, e.name, megabytes(e.size), e.sha256);
  });

  auto* ver = g.add_subcommand("verify", "Hash every cached file against its recorded and published sha256");
  ver->callback([] {
    const auto results = hub::WeightsCache().verify();
    int bad = 0;
    for (const auto& r : results) {
      log::out() << fmt::format("{:<24} {}  {}\n", r.name, r.ok ? "ok " : "BAD", r.message);
      bad += r.ok ? 0 : 1;
    }
    if (results.empty()) log::out() << "the cache holds no weights\n";
    if (bad) set_exit_code(1);
  });

  auto* rm = g.add_subcommand("remove", "Delete cached weights");
  rm->add_option("NAME", args->name, "A name of `weights list`")->required();
  rm->callback([args] {
    const bool had = hub::WeightsCache().remove(args->name);
    log::out() << (had ? "removed " : "not in the cache: ") << args->name << "\n";
  });

  auto* pull = g.add_subcommand("pull", "Download published weights over HTTPS (resumes a partial download, checks the sha256)");
  pull->add_option("NAME", args->name, "A name of `weights list`")->required();
  pull->add_option("--url", args->url, "Download from this mirror instead of the publisher (same hash check)");
  pull->add_option("--ca-file", args->ca_file, "Trust these certificates instead of the system's ($AUTODET_CA_BUNDLE)");
  pull->callback([args] {
    const auto e = hub::WeightsCache().pull(args->name, args->url, download_options(*args));
    log::out() << fmt::format("pulled {} from {} ({}, sha256 {})\n", e.name, e.url, megabytes(e.size), e.sha256);
  });

  auto* pkg = g.add_subcommand("package", "Make a model package from an upstream checkpoint (a torchvision state_dict) for predict and serve");
  pkg->add_option("FILE", args->file, "The .pth file (a state_dict of the architecture)")->required();
  pkg->add_option("--arch", args->name, "Its model_name (fasterrcnn_resnet50_fpn, ...)")->required();
  pkg->add_option("--out", args->out, "The package folder to write")->required();
  pkg->add_option("--labels", args->labels, "Class names in index order, comma-separated (default: torchvision's COCO labels)");
  pkg->add_option("--min-size", args->min_size, "Shorter-side target of the R-CNN transform (torchvision's COCO models: 800)");
  pkg->add_option("--max-size", args->max_size, "Longer-side cap of the R-CNN transform");
  pkg->add_option("--box-score-thresh", args->score, "Default score threshold in settings.json (default: the upstream model's, 0.05; FCOS 0.2)");
  pkg->add_option("--nms-iou-thresh", args->nms, "Default NMS IoU threshold in settings.json (default: the upstream model's, 0.5; FCOS 0.6)");
  pkg->callback([args] {
    CheckpointPackageOptions o;
    o.file = args->file;
    o.arch = args->name;
    o.out_dir = args->out;
    o.labels = split_labels(args->labels);
    o.min_size = args->min_size;
    o.max_size = args->max_size;
    o.box_score_thresh = args->score;
    o.nms_iou_thresh = args->nms;
    log::out() << write_checkpoint_package(o) << "\n";
  });
});

}  // namespace
}  // namespace autodet::cli
