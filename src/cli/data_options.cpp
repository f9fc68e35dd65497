#include "cli/data_options.h"

#include <iostream>

#include "core/log.h"

namespace autodet::cli {

void DataArgs::add_to(CLI::App& cmd, bool with_format, const std::string& format_option) {
  if (with_format)
    cmd.add_option(format_option, format, "Input format: auto, jsonl, mltable, coco, voc, yolo, csv")
        ->check(CLI::IsMember({"auto", "jsonl", "mltable", "coco", "voc", "yolo", "csv"}));
  cmd.add_option("--image-root", image_roots,
                 "Map remote image URLs to a local folder: DIR (path looked up under DIR) or PREFIX=DIR (prefix "
                 "replaced); repeatable");
  cmd.add_option("--images", images_dir, "Folder holding the images a CSV/COCO/VOC source names (default: beside it)");
  cmd.add_option("--max-image-pixels", max_image_pixels, "Refuse images with more pixels than this")->check(CLI::PositiveNumber);
}

ReadOptions DataArgs::read_options(ImageCheck check) const {
  ReadOptions o;
  o.image_check = check;
  o.images_dir = images_dir;
  o.max_image_pixels = max_image_pixels;
  o.image_roots = parse_image_roots(image_roots);
  return o;
}

std::vector<std::pair<std::string, std::string>> parse_image_roots(const std::vector<std::string>& values) {
  std::vector<std::pair<std::string, std::string>> roots;
  for (const auto& r : values) {
    auto eq = r.find('=');
    if (eq == std::string::npos) roots.emplace_back("", r);
    else roots.emplace_back(r.substr(0, eq), r.substr(eq + 1));
  }
  return roots;
}

void print_diagnostics(const Diagnostics& diag, std::size_t limit) {
  std::size_t shown = 0;
  for (const auto& d : diag.items()) {
    if (shown++ == limit) break;
    std::cerr << d.str() << "\n";
  }
  if (diag.items().size() > limit)
    std::cerr << "... and " << diag.items().size() - limit << " more (use --json to get them all)\n";
}

}  // namespace autodet::cli
