#include "hub/weights_cache.h"

#include <cstdlib>
#include <filesystem>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/fs.h"
#include "hub/sha256.h"
#include "models/pretrained.h"
#include "models/registry.h"
#include "store/timestamp.h"

namespace autodet::hub {
namespace {

namespace stdfs = std::filesystem;
using nlohmann::json;

constexpr const char* kIndex = "index.json";

json to_json(const CachedWeights& e) {
  return json{{"name", e.name},       {"family", e.family}, {"model_size", e.model_size}, {"kind", e.kind},
              {"file", e.file},       {"sha256", e.sha256}, {"size", e.size},             {"url", e.url},
              {"licence", e.licence}, {"added", e.added},   {"origin", e.origin}};
}

CachedWeights from_json(const json& j) {
  CachedWeights e;
  e.name = j.value("name", "");
  e.family = j.value("family", "");
  e.model_size = j.value("model_size", "");
  e.kind = j.value("kind", "");
  e.file = j.value("file", "");
  e.sha256 = j.value("sha256", "");
  e.size = j.value("size", std::int64_t(0));
  e.url = j.value("url", "");
  e.licence = j.value("licence", "");
  e.added = j.value("added", "");
  e.origin = j.value("origin", "");
  return e;
}

CachedWeights describe(const CatalogueEntry& c) {
  CachedWeights e;
  e.name = c.name;
  e.family = c.family;
  e.model_size = c.source.model_size;
  e.kind = c.source.kind;
  e.file = c.source.file;
  e.url = c.source.url;
  e.licence = c.source.licence;
  return e;
}

bool full_hash(const std::string& h) { return h.size() == 64; }

// Throws DataError naming the file when it is not a weight file fitting the entry's family.
void check_fits(const std::string& file, const CatalogueEntry& c) {
  models::DetectorConfig dc;
  dc.model_size = c.source.model_size;
  dc.num_classes = c.source.classes.empty() ? 1 : int(c.source.classes.size());
  dc.pretrained = true;
  auto detector = models::build_detector(c.family, dc);
  models::load_start_weights(*detector, models::StartWeights{file, c.source.kind, c.source.prefix, c.source.kind == "coco"});
}

}  // namespace

std::string weights_folder() {
  if (const char* env = std::getenv("AUTODET_WEIGHTS"); env && *env) return env;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) return join_path(join_path(xdg, "autodet"), "weights");
  const char* home = std::getenv("HOME");
  return join_path(join_path(home && *home ? home : ".", ".cache/autodet"), "weights");
}

WeightsCache::WeightsCache(std::string folder) : folder_(std::move(folder)) {}

std::string WeightsCache::path_of(const models::WeightSource& source) const { return join_path(folder_, source.file); }

std::optional<CachedWeights> WeightsCache::recorded(const std::string& name) const {
  const std::string index = join_path(folder_, kIndex);
  if (!fs_exists(index)) return std::nullopt;
  json j;
  try {
    j = json::parse(read_file(index));
  } catch (const json::exception& e) {
    throw DataError(Location{index, 0, "", ""}, std::string("the weights index is not valid JSON: ") + e.what());
  }
  for (const json& e : j.value("entries", json::array()))
    if (e.value("name", "") == name) return from_json(e);
  return std::nullopt;
}

void WeightsCache::record(const CachedWeights& entry) {
  const std::string index = join_path(folder_, kIndex);
  json j = fs_exists(index) ? json::parse(read_file(index)) : json{{"entries", json::array()}};
  json kept = json::array();
  for (const json& e : j.value("entries", json::array()))
    if (e.value("name", "") != entry.name) kept.push_back(e);
  kept.push_back(to_json(entry));
  j["entries"] = kept;
  make_dirs(folder_);
  write_file_atomic(index, j.dump(1) + "\n");
}

void WeightsCache::forget(const std::string& name) {
  const std::string index = join_path(folder_, kIndex);
  if (!fs_exists(index)) return;
  json j = json::parse(read_file(index));
  json kept = json::array();
  for (const json& e : j.value("entries", json::array()))
    if (e.value("name", "") != name) kept.push_back(e);
  j["entries"] = kept;
  write_file_atomic(index, j.dump(1) + "\n");
}

std::vector<CachedWeights> WeightsCache::list() const {
  std::vector<CachedWeights> out;
  for (const CatalogueEntry& c : catalogue()) {
    CachedWeights e = recorded(c.name).value_or(describe(c));
    e.file = c.source.file;
    const std::string path = path_of(c.source);
    e.present = fs_exists(path);
    if (e.present) e.size = std::int64_t(stdfs::file_size(path));
    out.push_back(e);
  }
  return out;
}

CachedWeights WeightsCache::import_file(const std::string& file, const std::string& name) {
  if (!fs_exists(file)) throw DataError(Location{file, 0, "", ""}, "the file does not exist");
  const std::string hash = sha256_file(file);
  CatalogueEntry c;
  if (name.empty()) {
    bool found = false;
    for (const CatalogueEntry& e : catalogue())
      if (full_hash(e.source.sha256) && e.source.sha256 == hash) c = e, found = true;
    if (!found)
      throw UsageError(Location{file, 0, "", "--arch"},
                       "its sha256 " + hash + " is no published file autodet knows: name the weights it holds with --arch");
  } else {
    c = catalogue_entry(name);
  }
  if (full_hash(c.source.sha256) && hash != c.source.sha256)
    throw DataError(Location{file, 0, "", ""},
                    fmt::format("its sha256 is {}, not the published {} of {}: it is another file (train from it with "
                                "pretrained_weights: {})",
                                hash, c.source.sha256, c.name, file));
  if (!hash_matches(hash, c.source.sha256))
    throw DataError(Location{file, 0, "", ""},
                    fmt::format("its sha256 {} does not start with the published {} of {}", hash, c.source.sha256, c.name));
  check_fits(file, c);
  const std::string dest = path_of(c.source);
  make_dirs(parent_dir(dest));
  const std::string tmp = dest + ".import";
  std::error_code ec;
  stdfs::copy_file(file, tmp, stdfs::copy_options::overwrite_existing, ec);
  if (ec) throw DataError(Location{dest, 0, "", ""}, "cannot copy the weights here: " + ec.message());
  stdfs::rename(tmp, dest);
  CachedWeights e = describe(c);
  e.sha256 = hash;
  e.size = std::int64_t(stdfs::file_size(dest));
  e.added = store::iso8601_utc(store::Clock::now());
  e.origin = "import " + absolute_path(file);
  e.present = true;
  record(e);
  return e;
}

std::vector<VerifyResult> WeightsCache::verify() const {
  std::vector<VerifyResult> out;
  for (const CatalogueEntry& c : catalogue()) {
    const std::string path = path_of(c.source);
    if (!fs_exists(path)) continue;
    VerifyResult r{c.name, path, false, ""};
    const std::string hash = sha256_file(path);
    const auto rec = recorded(c.name);
    if (!hash_matches(hash, c.source.sha256))
      r.message = fmt::format("sha256 {} is not the published {}", hash, c.source.sha256);
    else if (rec && !rec->sha256.empty() && rec->sha256 != hash)
      r.message = fmt::format("sha256 {} changed since it came in ({})", hash, rec->sha256);
    else {
      r.ok = true;
      r.message = "sha256 " + hash + (c.source.sha256.empty() ? " (the publisher gives no hash)" : " matches the published one");
    }
    out.push_back(r);
  }
  return out;
}

bool WeightsCache::remove(const std::string& name) {
  const CatalogueEntry c = catalogue_entry(name);
  const std::string path = path_of(c.source);
  const bool had = fs_exists(path) || recorded(name).has_value();
  std::error_code ec;
  stdfs::remove(path, ec);
  stdfs::remove(path + ".part", ec);
  forget(name);
  return had;
}

CachedWeights WeightsCache::pull(const std::string& name, const std::string& url, const DownloadOptions& options) {
  const CatalogueEntry c = catalogue_entry(name);
  const std::string from = url.empty() ? c.source.url : url;
  if (from.empty()) throw UsageError(Location{"", 0, "", "NAME"}, name + " has no download address; give one with --url");
  const std::string dest = path_of(c.source);
  const std::string part = dest + ".part";
  make_dirs(parent_dir(dest));
  const DownloadResult got = download_to(from, part, options);
  const std::string hash = sha256_file(part);
  if (!hash_matches(hash, c.source.sha256)) {
    std::error_code ec;
    stdfs::remove(part, ec);
    throw DataError(Location{from, 0, "", ""}, fmt::format("the download's sha256 is {}, not the published {} of {}; the "
                                                           "partial file was removed",
                                                           hash, c.source.sha256, name));
  }
  check_fits(part, c);
  stdfs::rename(part, dest);
  CachedWeights e = describe(c);
  e.sha256 = hash;
  e.size = got.bytes;
  e.url = from;
  e.added = store::iso8601_utc(store::Clock::now());
  e.origin = "pull";
  e.present = true;
  record(e);
  return e;
}

}  // namespace autodet::hub
