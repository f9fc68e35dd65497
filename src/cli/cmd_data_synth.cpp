// autodet data synth: writes the embedded default dataset (shapes on textured backgrounds)
// as JSONL + MLTable. The same options and seed always give the same bytes.
#include <charconv>
#include <chrono>
#include <memory>
#include <string>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/command.h"
#include "core/error.h"
#include "core/log.h"
#include "data/synth.h"

namespace autodet::cli {
namespace {

struct SynthArgs {
  std::string out;
  std::string size = "320x320";
  SynthOptions opts;
};

int parse_positive(std::string_view text) {
  int v = 0;
  auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  return (r.ec == std::errc() && r.ptr == text.data() + text.size() && v > 0) ? v : -1;
}

// "320x240" -> width 320, height 240.
void parse_size(const std::string& text, SynthOptions& opts) {
  const auto x = text.find_first_of("xX");
  if (x != std::string::npos) {
    const int w = parse_positive(std::string_view(text).substr(0, x));
    const int h = parse_positive(std::string_view(text).substr(x + 1));
    if (w > 0 && h > 0) {
      opts.width = w;
      opts.height = h;
      return;
    }
  }
  throw UsageError("--size must be WIDTHxHEIGHT in pixels, e.g. 320x320; got '" + text + "'");
}

void run(SynthArgs args) {
  parse_size(args.size, args.opts);
  const auto start = std::chrono::steady_clock::now();
  const Dataset ds = generate_synthetic(args.opts, args.out);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  log::info("synth: {} images ({}x{}), {} boxes, {} classes ({}), seed {} -> {} ({:.1f} s)", ds.images.size(),
            args.opts.width, args.opts.height, ds.box_count(), ds.classes().size(), fmt::join(ds.classes(), ", "),
            args.opts.seed, args.out, seconds);
}

CommandRegistrar reg(15, [](CLI::App& root) {
  auto& data = command_group(root, "data", "Import, validate, inspect and generate datasets");
  auto* cmd = data.add_subcommand(
      "synth", "Generate the built-in shapes dataset (images/, annotations.jsonl, MLTable); same seed, same bytes");
  auto args = std::make_shared<SynthArgs>();
  cmd->add_option("--out", args->out, "Output folder (created if missing)")->required();
  cmd->add_option("--images", args->opts.images, "Number of images")->capture_default_str();
  const std::string classes_help =
      fmt::format("Number of shape classes, taken in this order: {}", fmt::join(synthetic_class_kinds(), ", "));
  cmd->add_option("--classes", args->opts.classes, classes_help)->capture_default_str();
  cmd->add_option("--size", args->size, "Image size WIDTHxHEIGHT, 32x32 to 4096x4096")->capture_default_str();
  cmd->add_option("--seed", args->opts.seed, "Random seed (0 to 2^64-1)")
      ->check([](const std::string& v) { return v.rfind('-', 0) == 0 ? "must not be negative" : ""; })
      ->capture_default_str();
  cmd->add_option("--min-objects", args->opts.min_objects, "Fewest objects per image")->capture_default_str();
  cmd->add_option("--max-objects", args->opts.max_objects, "Most objects per image")->capture_default_str();
  cmd->callback([args] { run(*args); });
});

}  // namespace
}  // namespace autodet::cli
