// Data inputs of a job: local paths only, resolved against the job file's folder.
#include <cctype>

#include "automl/job_sections.h"
#include "automl/job_yaml_util.h"
#include "core/value_words.h"
#include "core/fs.h"

namespace autodet::job_yaml {
namespace {

bool starts_with_ci(const std::string& s, const std::string& prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  return true;
}

std::string local_path(const Location& where, const std::string& given, const std::string& base_dir) {
  if (given.empty()) throw UsageError(where, "path is empty; give an MLTable folder or a dataset file or folder");
  if (starts_with_ci(given, "azureml:"))
    throw NotSupportedError(where, "'" + given + "' is an Azure ML asset reference; autodet needs a local path "
                                   "(an MLTable folder or any dataset file or folder autodet reads)");
  std::string path = given;
  if (starts_with_ci(path, "file://")) path = path.substr(7);
  else if (starts_with_ci(path, "file:")) path = path.substr(5);
  else if (path.find("://") != std::string::npos)
    throw NotSupportedError(where, "'" + given + "' is a remote URL; autodet needs a local path (download the "
                                   "data first)");
  if (path.empty()) throw UsageError(where, "path is empty; give an MLTable folder or a dataset file or folder");
  return absolute_path(path.front() == '/' ? path : join_path(base_dir, path));
}

}  // namespace

DataInput read_data_input(const std::string& file, const YAML::Node& node, const std::string& key,
                          const std::string& base_dir) {
  DataInput in;
  in.line = at(file, node, key).line;
  if (node.IsScalar()) {  // shorthand: `training_data: ./data`
    in.given = node.Scalar();
    in.path = local_path(at(file, node, key), in.given, base_dir);
    return in;
  }
  if (!node.IsMap())
    throw UsageError(at(file, node, key), "expected {path: <folder>, type: mltable}, got " +
                                              std::string(node.IsSequence() ? "a list" : "nothing"));
  check_keys(file, node, key, {"path", "type", "mode", "description"});
  const YAML::Node path = node["path"];
  if (!path) throw UsageError(at(file, node, key + ".path"), "path is missing; give {path: <folder>, type: mltable}");
  in.given = scalar(file, path, key + ".path");
  in.path = local_path(at(file, path, key + ".path"), in.given, base_dir);
  if (const YAML::Node t = node["type"]) {
    const std::string s = scalar(file, t, key + ".type");
    in.type = lower_word(s);
    if (in.type != "mltable" && in.type != "uri_folder" && in.type != "uri_file")
      throw UsageError(at(file, t, key + ".type"),
                       "'" + s + "' is not allowed for " + key + ".type; expected mltable, uri_folder or uri_file");
  }
  if (const YAML::Node m = node["mode"]) {
    const std::string s = scalar(file, m, key + ".mode");
    in.mode = lower_word(s);
    static const std::vector<std::string> modes = {"direct", "ro_mount", "rw_mount", "download", "eval_mount",
                                                   "eval_download", "upload"};
    bool ok = false;
    for (const auto& x : modes) ok = ok || x == in.mode;
    if (!ok)
      throw UsageError(at(file, m, key + ".mode"),
                       "'" + s + "' is not allowed for " + key + ".mode; expected one of: direct, ro_mount, "
                       "rw_mount, download, eval_mount, eval_download, upload (no effect locally)");
  }
  return in;
}

}  // namespace autodet::job_yaml
