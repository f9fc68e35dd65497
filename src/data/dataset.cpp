#include "data/dataset.h"

#include <algorithm>
#include <set>

namespace autodet {

std::vector<std::string> Dataset::classes() const {
  std::set<std::string> s(declared_classes.begin(), declared_classes.end());
  for (const auto& im : images)
    for (const auto& b : im.boxes) s.insert(b.label);
  return {s.begin(), s.end()};
}

std::size_t Dataset::box_count() const {
  std::size_t n = 0;
  for (const auto& im : images) n += im.boxes.size();
  return n;
}

void Dataset::sort_by_url() {
  std::stable_sort(images.begin(), images.end(),
                   [](const ImageRecord& a, const ImageRecord& b) { return a.url < b.url; });
}

std::vector<std::string> SplitDataset::names() const {
  std::vector<std::string> out;
  for (const auto& n : split_names())
    if (splits.count(n)) out.push_back(n);
  for (const auto& [n, _] : splits)
    if (std::find(out.begin(), out.end(), n) == out.end()) out.push_back(n);
  return out;
}

Dataset SplitDataset::merged() const {
  Dataset all;
  for (const auto& n : names()) {
    const Dataset& d = splits.at(n);
    all.images.insert(all.images.end(), d.images.begin(), d.images.end());
    all.declared_classes.insert(all.declared_classes.end(), d.declared_classes.begin(), d.declared_classes.end());
  }
  return all;
}

std::vector<std::string> SplitDataset::classes() const { return merged().classes(); }

std::size_t SplitDataset::image_count() const {
  std::size_t n = 0;
  for (const auto& [_, d] : splits) n += d.images.size();
  return n;
}

std::size_t SplitDataset::box_count() const {
  std::size_t n = 0;
  for (const auto& [_, d] : splits) n += d.box_count();
  return n;
}

std::vector<std::string> classes_with_background(const std::vector<std::string>& classes) {
  std::vector<std::string> out{"--bg--"};
  for (const auto& c : classes)
    if (c != "--bg--") out.push_back(c);
  return out;
}

}  // namespace autodet
