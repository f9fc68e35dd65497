#pragma once
// Where a job's trials run: `compute:` in the job file (or `--compute`). local (the default) and
// azureml:<cluster> run them as child processes of `autodet train` on this machine; slurm or
// slurm:<partition> runs them on a Slurm cluster, on workers started as a job array, with the
// per-trial resources of the job file's `slurm:` section (docs/scale-out.md).
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.h"

namespace YAML {
class Node;
}

namespace autodet {

// The `slurm:` section: what each worker (one trial at a time) asks Slurm for.
struct SlurmResources {
  std::optional<int> cpus_per_trial;       // --cpus-per-task; default: this machine's threads / max_concurrent_trials
  std::string memory_per_trial;            // --mem, e.g. "8G"; "" = the partition's default
  int gpus_per_trial = 0;                  // --gpus-per-task (0: none asked for)
  std::optional<int> time_limit_minutes;   // --time of each worker; unset = the partition's limit
  int ranks_per_trial = 1;                 // tasks of one trial (data-parallel training: later; 1 today)
  std::vector<std::string> sbatch_args;    // anything else, passed to sbatch as written
  int worker_lost_after_seconds = 60;      // a running trial without a heartbeat this long lost its worker
};

// The parsed `compute`.
struct ComputeTarget {
  enum class Kind { Local, Slurm };
  Kind kind = Kind::Local;
  std::string partition;  // slurm:<partition>; "" = the cluster's default partition
  // "local", "slurm" or "slurm:<partition>"; azureml:<cluster> is kept as "local".
  std::string name() const;
};

// Reads a `compute` value. azureml:<cluster> is accepted (runs locally) and *warning says so;
// UsageError naming `where` for anything else.
ComputeTarget parse_compute(const std::string& value, const Location& where, std::string* warning);
// Reads the `slurm:` section of file (line numbers in messages).
SlurmResources parse_slurm_resources(const std::string& file, const YAML::Node& node);
nlohmann::json slurm_resources_json(const SlurmResources& r);

}  // namespace autodet
