#include "package/model_package.h"

#include <filesystem>
#include <unistd.h>

#include "core/error.h"
#include "core/fs.h"

namespace stdfs = std::filesystem;

namespace autodet {
namespace {

// Moves a finished temporary folder into place, replacing what was there.
void replace_dir(const std::string& tmp, const std::string& dir) {
  std::error_code ec;
  std::string old = dir + ".old-" + std::to_string(::getpid());
  if (stdfs::exists(dir)) {
    stdfs::rename(dir, old, ec);
    if (ec) throw Error(Location{dir, 0, "", ""}, "cannot replace the model package: " + ec.message());
  }
  stdfs::rename(tmp, dir, ec);
  if (ec) throw Error(Location{dir, 0, "", ""}, "cannot move the model package into place: " + ec.message());
  stdfs::remove_all(old, ec);
}

nlohmann::json read_json(const std::string& path) {
  try {
    return nlohmann::json::parse(read_file(path));
  } catch (const nlohmann::json::exception& e) {
    throw DataError(Location{path, 0, "", ""}, std::string("damaged JSON: ") + e.what());
  }
}

}  // namespace

std::vector<std::string> labels_file(const nlohmann::json& architecture, const std::vector<std::string>& labels) {
  if (architecture.value("labels_offset", 0) != 1) return labels;
  std::vector<std::string> out{kBackgroundLabel};
  out.insert(out.end(), labels.begin(), labels.end());
  return out;
}

std::vector<std::string> data_labels(const nlohmann::json& architecture, std::vector<std::string> labels) {
  // Packages written before labels.json carried the background have no "--bg--" to drop.
  if (architecture.value("labels_offset", 0) == 1 && !labels.empty() && labels.front() == kBackgroundLabel)
    labels.erase(labels.begin());
  return labels;
}

nlohmann::json package_architecture(const models::Detector& detector) {
  nlohmann::json arch = detector.architecture();
  arch["format_version"] = kPackageFormatVersion;
  return arch;
}

void write_model_package(const std::string& dir, const ModelPackage& p,
                         const std::function<void(const std::string& weights_path)>& write_weights) {
  const std::string tmp = dir + ".tmp-" + std::to_string(::getpid());
  std::error_code ec;
  stdfs::remove_all(tmp, ec);
  make_dirs(tmp);
  write_weights(join_path(tmp, "model.pt"));
  write_file_atomic(join_path(tmp, "model.json"), p.architecture.dump(2) + "\n");
  write_file_atomic(join_path(tmp, "labels.json"), nlohmann::json(labels_file(p.architecture, p.labels)).dump() + "\n");
  write_file_atomic(join_path(tmp, "settings.json"), p.settings.dump(2) + "\n");
  write_file_atomic(join_path(tmp, "per_label_metrics.json"), p.per_label_metrics.dump(2) + "\n");
  write_file_atomic(join_path(tmp, "metrics.json"), p.metrics.dump(2) + "\n");
  replace_dir(tmp, dir);
}

ModelPackage read_model_package(const std::string& dir) {
  if (!fs_is_dir(dir)) throw Error(Location{dir, 0, "", ""}, "model package folder does not exist");
  ModelPackage p;
  p.architecture = read_json(join_path(dir, "model.json"));
  const int version = p.architecture.value("format_version", 1);
  if (version > kPackageFormatVersion)
    throw NotSupportedError(Location{join_path(dir, "model.json"), 0, "", "format_version"},
                            "package format " + std::to_string(version) + " was written by a newer autodet (this one reads up to " +
                                std::to_string(kPackageFormatVersion) + ")");
  p.labels = data_labels(p.architecture, read_json(join_path(dir, "labels.json")).get<std::vector<std::string>>());
  p.settings = read_json(join_path(dir, "settings.json"));
  p.per_label_metrics = read_json(join_path(dir, "per_label_metrics.json"));
  p.metrics = read_json(join_path(dir, "metrics.json"));
  if (!fs_exists(join_path(dir, "model.pt"))) throw Error(Location{join_path(dir, "model.pt"), 0, "", ""}, "weights missing");
  return p;
}

void copy_model_package(const std::string& from, const std::string& to) {
  const std::string tmp = to + ".tmp-" + std::to_string(::getpid());
  std::error_code ec;
  stdfs::remove_all(tmp, ec);
  stdfs::copy(from, tmp, stdfs::copy_options::recursive, ec);
  if (ec) throw Error(Location{from, 0, "", ""}, "cannot copy the model package: " + ec.message());
  replace_dir(tmp, to);
}

}  // namespace autodet
