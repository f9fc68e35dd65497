#include "data/split.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/error.h"
#include "core/rng.h"

namespace autodet {

void split_validation(SplitDataset& sd, double fraction, std::uint64_t seed) {
  if (!(fraction > 0.0 && fraction < 1.0))
    throw UsageError("validation fraction must be in the open interval (0, 1), got " + std::to_string(fraction));
  if (sd.splits.count("validation") && !sd.splits["validation"].images.empty()) return;
  Dataset& train = sd.splits["train"];
  train.sort_by_url();
  const std::size_t n = train.images.size();
  if (n < 2) return;
  std::size_t k = std::size_t(std::llround(fraction * double(n)));
  k = std::clamp<std::size_t>(k, 1, n - 1);
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  Rng rng(seed);
  rng.shuffle(order);
  std::vector<bool> to_val(n, false);
  for (std::size_t i = 0; i < k; ++i) to_val[order[i]] = true;
  Dataset keep, val;
  keep.declared_classes = val.declared_classes = train.declared_classes;
  for (std::size_t i = 0; i < n; ++i) (to_val[i] ? val : keep).images.push_back(std::move(train.images[i]));
  train = std::move(keep);
  sd.splits["validation"] = std::move(val);
}

}  // namespace autodet

#include <fstream>
#include <unordered_map>

#include "core/fs.h"

namespace autodet {

void apply_split_lists(SplitDataset& sd, const std::map<std::string, std::string>& lists, Diagnostics& diag) {
  Dataset all = sd.merged();
  std::unordered_map<std::string, std::vector<std::size_t>> keys;
  for (std::size_t i = 0; i < all.images.size(); ++i) {
    const auto& im = all.images[i];
    for (const auto& k : {im.url, file_name(im.path), stem(im.path)}) {
      auto& v = keys[k];
      if (v.empty() || v.back() != i) v.push_back(i);
    }
  }
  std::vector<std::string> assigned(all.images.size());
  SplitDataset out;
  for (const auto& [raw_split, file] : lists) {
    std::string split = raw_split == "val" ? "validation" : raw_split;
    if (split != "train" && split != "validation" && split != "test")
      throw UsageError("unknown split '" + raw_split + "' in --split-file (train, val, validation, test)");
    std::ifstream f(file);
    if (!f) throw UsageError(Location{file, 0, "", ""}, "split list cannot be read");
    std::string line;
    long n = 0;
    Dataset& d = out.splits[split];
    d.declared_classes = all.declared_classes;
    while (std::getline(f, line)) {
      ++n;
      auto a = line.find_first_not_of(" \t\r"), b = line.find_last_not_of(" \t\r");
      if (a == std::string::npos) continue;
      std::string id = line.substr(a, b - a + 1);
      auto it = keys.find(id);
      if (it == keys.end()) {
        diag.warn("unknown_split_id", Location{file, n, "", ""}, "'" + id + "' matches no usable image; skipped");
        continue;
      }
      if (it->second.size() > 1) {
        diag.error("ambiguous_split_id", Location{file, n, "", ""}, "'" + id + "' matches several images; skipped");
        continue;
      }
      std::size_t i = it->second[0];
      if (!assigned[i].empty()) {
        diag.error("image_in_two_splits", Location{file, n, "", ""}, "'" + id + "' is already in '" + assigned[i] + "'");
        continue;
      }
      assigned[i] = split;
      d.images.push_back(all.images[i]);
    }
  }
  for (std::size_t i = 0; i < all.images.size(); ++i)
    if (assigned[i].empty()) {
      diag.warn("not_in_split", Location{all.images[i].source.file, all.images[i].source.line, all.images[i].source.element, ""},
                "image '" + all.images[i].url + "' is in no split list; put in train");
      out.splits["train"].images.push_back(all.images[i]);
    }
  sd = std::move(out);
}

}  // namespace autodet
