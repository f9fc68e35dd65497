#pragma once
// Dataset statistics for `data stats`: counts per class, box-size, aspect-ratio and
// relative-size histograms, image sizes, boxes per image.
#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "data/dataset.h"

namespace autodet {

struct Histogram {
  std::vector<std::string> bins;  // human-readable bin labels
  std::vector<std::size_t> counts;
};

struct DatasetStats {
  std::size_t images = 0;
  std::size_t boxes = 0;
  std::size_t crowd_boxes = 0;
  std::size_t images_without_boxes = 0;
  std::size_t max_boxes_per_image = 0;
  std::map<std::string, std::size_t> classes;      // name -> box count (classes without boxes: 0)
  std::map<std::string, std::size_t> image_sizes;  // "WxH" -> image count
  Histogram box_size;       // sqrt(area) in pixels
  Histogram coco_area;      // small (< 32^2), medium (< 96^2), large
  Histogram aspect;         // width / height
  Histogram relative_size;  // sqrt(box area / image area)
};

DatasetStats compute_stats(const Dataset& ds);
nlohmann::json stats_to_json(const DatasetStats& s);
// A readable multi-line report.
std::string stats_to_text(const DatasetStats& s);

}  // namespace autodet
