#include "automl/compute_target.h"

#include <yaml-cpp/yaml.h>

#include "automl/job_yaml_util.h"
#include "core/error.h"
#include "core/value_words.h"

namespace autodet {
namespace {

bool starts_with_word(const std::string& s, const std::string& prefix) {
  return lower_word(s.substr(0, prefix.size())) == prefix;
}

}  // namespace

std::string ComputeTarget::name() const {
  if (kind == Kind::Local) return "local";
  return partition.empty() ? "slurm" : "slurm:" + partition;
}

ComputeTarget parse_compute(const std::string& c, const Location& where, std::string* warning) {
  ComputeTarget t;
  if (c.empty() || lower_word(c) == "local") return t;
  if (starts_with_word(c, "azureml:") && c.size() > 8) {
    if (warning) *warning = "'" + c + "' ignored: autodet runs the job on this machine";
    return t;
  }
  if (lower_word(c) == "slurm" || (starts_with_word(c, "slurm:") && c.size() > 6)) {
    t.kind = ComputeTarget::Kind::Slurm;
    if (c.size() > 6) t.partition = c.substr(6);
    return t;
  }
  throw UsageError(where,
                   "'" + c + "' is not allowed for compute; expected local, azureml:<cluster> (runs on this machine), "
                   "slurm or slurm:<partition> (trials on a Slurm cluster, docs/scale-out.md)");
}

SlurmResources parse_slurm_resources(const std::string& file, const YAML::Node& node) {
  using namespace job_yaml;
  SlurmResources r;
  if (!node || node.IsNull()) return r;
  require_map(file, node, "slurm");
  check_keys(file, node, "slurm",
             {"cpus_per_trial", "memory_per_trial", "gpus_per_trial", "time_limit_minutes", "ranks_per_trial",
              "sbatch_args", "worker_lost_after_seconds"});
  if (const YAML::Node n = node["cpus_per_trial"]) r.cpus_per_trial = int_in(file, n, "slurm.cpus_per_trial", 1, 4096);
  if (const YAML::Node n = node["memory_per_trial"]) r.memory_per_trial = scalar(file, n, "slurm.memory_per_trial");
  if (const YAML::Node n = node["gpus_per_trial"]) r.gpus_per_trial = int_in(file, n, "slurm.gpus_per_trial", 0, 64);
  if (const YAML::Node n = node["time_limit_minutes"])
    r.time_limit_minutes = int_in(file, n, "slurm.time_limit_minutes", 1, 525600);
  if (const YAML::Node n = node["ranks_per_trial"]) {
    r.ranks_per_trial = int_in(file, n, "slurm.ranks_per_trial", 1, 4096);
    if (r.ranks_per_trial != 1)
      throw NotSupportedError(at(file, n, "slurm.ranks_per_trial"),
                              "data-parallel training of one trial over several ranks is not available yet; use 1");
  }
  if (const YAML::Node n = node["sbatch_args"]) {
    if (!n.IsSequence()) throw UsageError(at(file, n, "slurm.sbatch_args"), "must be a list of sbatch options");
    for (const auto& a : n) r.sbatch_args.push_back(scalar(file, a, "slurm.sbatch_args"));
  }
  if (const YAML::Node n = node["worker_lost_after_seconds"])
    r.worker_lost_after_seconds = int_in(file, n, "slurm.worker_lost_after_seconds", 5, 86400);
  return r;
}

nlohmann::json slurm_resources_json(const SlurmResources& r) {
  return {{"cpus_per_trial", r.cpus_per_trial ? nlohmann::json(*r.cpus_per_trial) : nlohmann::json()},
          {"memory_per_trial", r.memory_per_trial},
          {"gpus_per_trial", r.gpus_per_trial},
          {"time_limit_minutes", r.time_limit_minutes ? nlohmann::json(*r.time_limit_minutes) : nlohmann::json()},
          {"ranks_per_trial", r.ranks_per_trial},
          {"sbatch_args", r.sbatch_args},
          {"worker_lost_after_seconds", r.worker_lost_after_seconds}};
}

}  // namespace autodet
