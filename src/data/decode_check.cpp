#include "data/decode_check.h"

#include <algorithm>
#include <unordered_set>

#include <opencv2/core.hpp>

#include "core/error.h"
#include "core/image_io.h"
#include "core/parallel.h"

namespace autodet {

std::string without_path(const std::string& message, const std::string& path) {
  const std::string prefix = path + ": ";
  return message.compare(0, prefix.size(), prefix) == 0 ? message.substr(prefix.size()) : message;
}

std::vector<UnusableImage> unusable_images_in(const Diagnostics& diag) {
  std::vector<UnusableImage> out;
  std::unordered_set<std::string> seen;
  for (const Diagnostic& d : diag.items())
    if (d.severity == Severity::Error && !d.image.empty() && seen.insert(d.image).second)
      out.push_back(UnusableImage{d.image, d.reason});
  return out;
}

std::string image_decode_problem(const std::string& path, std::int64_t max_pixels) {
  try {
    decode_image(path, max_pixels);
    return "";
  } catch (const Error& e) {
    return without_path(e.what(), path);
  } catch (const cv::Exception& e) {
    return std::string("OpenCV could not decode it: ") + e.what();
  }
}

std::vector<UnusableImage> find_unusable_images(const std::vector<const Dataset*>& sets, std::int64_t max_pixels,
                                                unsigned threads) {
  std::vector<std::string> paths;
  std::unordered_set<std::string> seen;
  for (const Dataset* d : sets)
    for (const ImageRecord& rec : d->images)
      if (!rec.path.empty() && seen.insert(rec.path).second) paths.push_back(rec.path);
  std::vector<std::string> problems(paths.size());
  parallel_for(paths.size(), threads, [&](std::size_t i) { problems[i] = image_decode_problem(paths[i], max_pixels); });
  std::vector<UnusableImage> out;
  for (std::size_t i = 0; i < paths.size(); ++i)
    if (!problems[i].empty()) out.push_back(UnusableImage{paths[i], problems[i]});
  return out;
}

std::size_t drop_unusable_images(Dataset& dataset, const std::vector<UnusableImage>& unusable) {
  if (unusable.empty()) return 0;
  std::unordered_set<std::string> bad;
  for (const UnusableImage& u : unusable) bad.insert(u.path);
  const std::size_t before = dataset.images.size();
  auto& images = dataset.images;
  images.erase(std::remove_if(images.begin(), images.end(), [&](const ImageRecord& r) { return bad.count(r.path) > 0; }),
               images.end());
  return before - images.size();
}

}  // namespace autodet
