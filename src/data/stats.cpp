#include "data/stats.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace autodet {
namespace {

// Bins with upper edges `edges` (last bin open); value v goes to the first bin with v < edge.
Histogram make_hist(const std::vector<double>& edges, const std::vector<std::string>& labels) {
  return Histogram{labels, std::vector<std::size_t>(edges.size() + 1, 0)};
}

void add(Histogram& h, const std::vector<double>& edges, double v) {
  std::size_t i = std::size_t(std::upper_bound(edges.begin(), edges.end(), v) - edges.begin());
  h.counts[i]++;
}

const std::vector<double> kSizeEdges{8, 16, 32, 64, 128, 256, 512};
const std::vector<double> kCocoEdges{32.0 * 32.0, 96.0 * 96.0};
const std::vector<double> kAspectEdges{0.25, 0.5, 0.8, 1.25, 2.0, 4.0};
const std::vector<double> kRelEdges{0.02, 0.05, 0.1, 0.2, 0.4, 0.7};

nlohmann::json hist_json(const Histogram& h) {
  nlohmann::json j = nlohmann::json::array();
  for (std::size_t i = 0; i < h.bins.size(); ++i) j.push_back({{"bin", h.bins[i]}, {"count", h.counts[i]}});
  return j;
}

}  // namespace

DatasetStats compute_stats(const Dataset& ds) {
  DatasetStats s;
  s.box_size = make_hist(kSizeEdges, {"<8", "8-16", "16-32", "32-64", "64-128", "128-256", "256-512", ">=512"});
  s.coco_area = make_hist(kCocoEdges, {"small", "medium", "large"});
  s.aspect = make_hist(kAspectEdges, {"<1/4", "1/4-1/2", "1/2-4/5", "4/5-5/4", "5/4-2", "2-4", ">=4"});
  s.relative_size = make_hist(kRelEdges, {"<2%", "2-5%", "5-10%", "10-20%", "20-40%", "40-70%", ">=70%"});
  for (const auto& c : ds.classes()) s.classes[c] = 0;
  s.images = ds.images.size();
  for (const auto& im : ds.images) {
    s.image_sizes[fmt::format("{}x{}", im.width, im.height)]++;
    if (im.boxes.empty()) s.images_without_boxes++;
    s.max_boxes_per_image = std::max(s.max_boxes_per_image, im.boxes.size());
    for (const auto& b : im.boxes) {
      s.boxes++;
      s.crowd_boxes += b.crowd;
      s.classes[b.label]++;
      double area = b.area();
      add(s.box_size, kSizeEdges, std::sqrt(area));
      add(s.coco_area, kCocoEdges, area);
      add(s.aspect, kAspectEdges, b.height() > 0 ? b.width() / b.height() : 0.0);
      double img_area = double(im.width) * im.height;
      add(s.relative_size, kRelEdges, img_area > 0 ? std::sqrt(area / img_area) : 0.0);
    }
  }
  return s;
}

nlohmann::json stats_to_json(const DatasetStats& s) {
  nlohmann::json j;
  j["images"] = s.images;
  j["boxes"] = s.boxes;
  j["classes"] = s.classes;
  j["crowd_boxes"] = s.crowd_boxes;
  j["images_without_boxes"] = s.images_without_boxes;
  j["boxes_per_image"] = {{"mean", s.images ? double(s.boxes) / double(s.images) : 0.0}, {"max", s.max_boxes_per_image}};
  j["image_sizes"] = s.image_sizes;
  j["box_size_px"] = hist_json(s.box_size);
  j["coco_area"] = hist_json(s.coco_area);
  j["aspect_ratio"] = hist_json(s.aspect);
  j["relative_size"] = hist_json(s.relative_size);
  return j;
}

std::string stats_to_text(const DatasetStats& s) {
  std::ostringstream o;
  o << fmt::format("images {}   boxes {}   classes {}   crowd boxes {}   images without boxes {}\n", s.images, s.boxes,
                   s.classes.size(), s.crowd_boxes, s.images_without_boxes);
  o << fmt::format("boxes per image: mean {:.2f}, max {}\n", s.images ? double(s.boxes) / double(s.images) : 0.0,
                   s.max_boxes_per_image);
  std::size_t w = 5;
  for (const auto& [c, _] : s.classes) w = std::max(w, c.size());
  o << "\nclass" << std::string(w - 5 + 2, ' ') << "boxes   share\n";
  for (const auto& [c, n] : s.classes)
    o << fmt::format("{:<{}}  {:>5}  {:>5.1f}%\n", c, w, n, s.boxes ? 100.0 * double(n) / double(s.boxes) : 0.0);
  auto hist = [&](const char* title, const Histogram& h) {
    std::size_t mx = *std::max_element(h.counts.begin(), h.counts.end());
    o << "\n" << title << "\n";
    for (std::size_t i = 0; i < h.bins.size(); ++i) {
      std::size_t bar = mx ? (h.counts[i] * 40 + mx - 1) / mx : 0;
      o << fmt::format("  {:>9}  {:>6}  {}\n", h.bins[i], h.counts[i], std::string(bar, '#'));
    }
  };
  hist("box size, sqrt(area) in pixels", s.box_size);
  hist("COCO area range", s.coco_area);
  hist("aspect ratio (width / height)", s.aspect);
  hist("box size relative to image, sqrt(box area / image area)", s.relative_size);
  o << "\nimage sizes (width x height)\n";
  std::vector<std::pair<std::size_t, std::string>> sizes;
  for (const auto& [k, n] : s.image_sizes) sizes.emplace_back(n, k);
  std::sort(sizes.begin(), sizes.end(), [](auto& a, auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
  for (std::size_t i = 0; i < sizes.size() && i < 10; ++i) o << fmt::format("  {:>11}  {:>6}\n", sizes[i].second, sizes[i].first);
  if (sizes.size() > 10) o << fmt::format("  ... and {} other sizes\n", sizes.size() - 10);
  return o.str();
}

}  // namespace autodet
