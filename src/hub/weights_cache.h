#pragma once
// The weights cache: the folder published weights live in ($AUTODET_WEIGHTS, else
// ~/.cache/autodet/weights), each file at its catalogue path (fastestdet/..., yolov5/...), and
// index.json recording for each entry its architecture, sha256, size, source URL, licence and
// when it came in. Files put there by hand are found too; `verify` hashes them.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hub/catalogue.h"
#include "hub/download.h"

namespace autodet::hub {

// $AUTODET_WEIGHTS, else $XDG_CACHE_HOME/autodet/weights, else ~/.cache/autodet/weights.
std::string weights_folder();

struct CachedWeights {
  std::string name;          // catalogue name
  std::string family, model_size, kind;
  std::string file;          // path relative to the folder
  std::string sha256;        // recorded when it came in ("" for a file put there by hand)
  std::int64_t size = 0;
  std::string url, licence;
  std::string added;         // ISO 8601 UTC, "" when unknown
  std::string origin;        // "pull", "import FILE", "" (found in the folder)
  bool present = false;      // the file is there
};

struct VerifyResult {
  std::string name;
  std::string path;
  bool ok = false;
  std::string message;
};

class WeightsCache {
 public:
  explicit WeightsCache(std::string folder = weights_folder());

  const std::string& folder() const { return folder_; }
  std::string path_of(const models::WeightSource& source) const;

  // Every catalogue entry with what the folder has of it.
  std::vector<CachedWeights> list() const;
  // Copies `file` in as the published weights `name` (or the entry whose published hash it has,
  // when name is ""). Refuses a file that is not a PyTorch weight file fitting the family, or
  // whose hash differs from a full published one.
  CachedWeights import_file(const std::string& file, const std::string& name);
  // Hashes every file present against its recorded and published hash.
  std::vector<VerifyResult> verify() const;
  // Deletes the file and its record; false when there was neither.
  bool remove(const std::string& name);
  // Downloads `name` from its published URL (or `url`), resuming a partial download, checks the
  // hash (the full one, or the publisher's prefix) and records it. A wrong hash removes the
  // partial file and throws DataError.
  CachedWeights pull(const std::string& name, const std::string& url = "", const DownloadOptions& options = {});

 private:
  std::optional<CachedWeights> recorded(const std::string& name) const;
  void record(const CachedWeights& entry);
  void forget(const std::string& name);

  std::string folder_;
};

}  // namespace autodet::hub
