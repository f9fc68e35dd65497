#include "eval/image_matcher.h"

#include "core/fs.h"

namespace autodet::eval {
namespace {

// The last path component of a url, path or file:// reference ("a/b/c.jpg" -> "c.jpg").
std::string base_name(const std::string& s) {
  const auto pos = s.find_last_of("/\\");
  return pos == std::string::npos ? s : s.substr(pos + 1);
}

}  // namespace

ImageMatcher::ImageMatcher(const EvalSet& set) : set_(set) {
  for (std::size_t i = 0; i < set.images.size(); ++i) {
    const EvalImage& im = set.images[i];
    by_url_.emplace(im.url, i);
    if (!im.path.empty()) {
      by_path_.emplace(im.path, i);
      by_path_.emplace(absolute_path(im.path), i);
    }
    for (const std::string& name : {base_name(im.url), base_name(im.path)}) {
      if (name.empty()) continue;
      auto [it, fresh] = by_name_.emplace(name, i);
      if (!fresh && it->second != i) it->second = kAmbiguous;
    }
  }
}

std::size_t ImageMatcher::find(const std::string& filename, const Location& where) const {
  if (filename.empty()) throw DataError(where, "empty file name");
  if (auto it = by_url_.find(filename); it != by_url_.end()) return it->second;
  if (auto it = by_path_.find(filename); it != by_path_.end()) return it->second;
  if (auto it = by_path_.find(absolute_path(filename)); it != by_path_.end()) return it->second;
  if (auto it = by_name_.find(base_name(filename)); it != by_name_.end()) {
    if (it->second != kAmbiguous) return it->second;
    std::string first, second;
    for (const auto& im : set_.images)
      if (base_name(im.url) == it->first || base_name(im.path) == it->first) (first.empty() ? first : second) = im.url;
    throw DataError(where, "'" + filename + "' is ambiguous: several dataset images are named '" + it->first + "' (e.g. '" +
                               first + "' and '" + second + "'); give the path as the dataset writes it");
  }
  throw DataError(where, "'" + filename + "' is not an image of the evaluated dataset");
}

}  // namespace autodet::eval
