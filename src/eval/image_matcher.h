#pragma once
// Finds the dataset image a prediction file names. Tried in order: the image's url as
// written in the dataset, its resolved path, the same path made absolute, and finally the
// file name alone when exactly one image has it (ambiguous names are an error).
#include <cstddef>
#include <string>
#include <unordered_map>

#include "core/error.h"
#include "eval/eval_set.h"

namespace autodet::eval {

class ImageMatcher {
 public:
  explicit ImageMatcher(const EvalSet& set);
  // Index into set.images; throws DataError at `where` when no image, or more than one by
  // file name, fits.
  std::size_t find(const std::string& filename, const Location& where) const;

 private:
  static constexpr std::size_t kAmbiguous = std::size_t(-1);
  const EvalSet& set_;
  std::unordered_map<std::string, std::size_t> by_url_, by_path_, by_name_;
};

}  // namespace autodet::eval
