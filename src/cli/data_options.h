#pragma once
// Options every command that reads a dataset shares: --format, --image-root, --images,
// --max-image-pixels; and printing of a diagnostics report.
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include "core/diagnostics.h"
#include "data/load.h"

namespace autodet::cli {

struct DataArgs {
  std::string format = "auto";
  std::vector<std::string> image_roots;  // "DIR" or "PREFIX=DIR"
  std::string images_dir;
  std::int64_t max_image_pixels = kDefaultMaxImagePixels;

  // format_option: the input format's option name (`data export` takes --from, its --format is the output's).
  void add_to(CLI::App& cmd, bool with_format = true, const std::string& format_option = "--format");
  ReadOptions read_options(ImageCheck check) const;
  DataFormat data_format() const { return parse_format(format); }
};

// --image-root values ("DIR" or "PREFIX=DIR") as (prefix, folder) pairs; "" prefix for DIR.
std::vector<std::pair<std::string, std::string>> parse_image_roots(const std::vector<std::string>& values);

// Prints up to `limit` diagnostics to stderr, then a count of the rest.
void print_diagnostics(const Diagnostics& diag, std::size_t limit = 200);

}  // namespace autodet::cli
