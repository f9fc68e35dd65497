#pragma once
// The job specification: an Azure CLI v2 AutoML job YAML (`type: automl`, `task:
// image_object_detection`, §2) parsed into typed, validated fields. Parsing reads only the YAML:
// dataset paths are resolved but not opened. Every problem is one UsageError (or
// NotSupportedError for Azure-only features) naming the file, line, key, value and what is allowed.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "automl/compute_target.h"
#include "automl/training_params.h"

namespace autodet {

// What a job does (R2.10-R2.12).
enum class JobMode {
  Single,       // one trial: no search_space/sweep, max_trials 1
  ManualSweep,  // search_space + sweep.sampling_algorithm
  AutoMode,     // max_trials > 1 without search_space or sweep
};
std::string job_mode_name(JobMode mode);  // "single", "manual_sweep", "auto_mode"

// A data input (`training_data`, `validation_data`, `test_data`).
struct DataInput {
  std::string path;   // absolute local path (an MLTable folder or any dataset autodet reads)
  std::string given;  // the path as written in the job
  std::string type = "mltable";  // mltable | uri_folder | uri_file
  std::string mode;   // Azure's input mode as written (no effect locally); "" when absent
  long line = 0;      // line of the input in the job file
};

// `limits` (§2.2).
struct Limits {
  int max_trials = 1;                        // 1..1000
  int max_concurrent_trials = 1;             // 1..100, already capped at max_trials (R2.1)
  int max_concurrent_trials_requested = 1;   // as written, before the cap
  std::optional<int> timeout_minutes;        // whole job; unset: no limit of its own (Azure: 7 days)
  std::optional<int> trial_timeout_minutes;  // each trial (an autodet extension); unset: none
};

// One parsed, checked job; plain data that the trainer and the sweep code read.
struct JobSpec {
  std::string source_file;  // the YAML file (label), for messages
  std::string base_dir;     // relative data paths are resolved against this folder
  std::string name;         // job name: given, or generated
  bool name_generated = false;
  std::string display_name;
  std::string experiment_name;  // default: the job file's folder name
  std::string description;
  std::map<std::string, std::string> tags;
  std::string compute = "local";  // where the trials run: local, slurm or slurm:<partition> (compute_target.h)
  ComputeTarget compute_target;   // the same, parsed
  SlurmResources slurm;           // the `slurm:` section: what each Slurm worker asks for
  std::string log_verbosity = "info";  // not_set | debug | info | warning | error | critical
  std::string primary_metric = "mean_average_precision";
  std::string target_column_name = "label";
  // --image-root remaps (prefix, folder) for the data's image URLs; not part of the file, kept
  // with the saved job so trial processes read the same images.
  std::vector<std::pair<std::string, std::string>> image_roots;
  DataInput training_data;
  std::optional<DataInput> validation_data;
  double validation_data_size = 0.2;  // used only without validation_data
  std::optional<DataInput> test_data;  // accepted, not used (schema only, R1.26)
  std::optional<double> test_data_size;
  Limits limits;
  TrainingParams params;     // training_parameters, defaults resolved for params.model_name
  std::map<std::string, Location> param_where;  // where each explicitly set parameter was given
  nlohmann::json sweep;         // as written (sampling_algorithm / early_termination type in snake_case); null if absent
  nlohmann::json search_space;  // list of sub-spaces as written (keys and fixed values checked); null if absent
  nlohmann::json outputs;       // kept for reference; null if absent
  nlohmann::json properties;    // kept, ignored; null if absent
  nlohmann::json resources;     // kept, ignored; null if absent
  std::vector<std::string> warnings;  // "file:line: key: message", in order, no repeats
  std::vector<std::string> check_warnings;  // those of warnings from whole-job checks, redone after each --set

  JobMode mode() const;
};

// Clock and generator for generated job names (tests pass fixed ones), and how to treat cloud compute.
struct JobParseOptions {
  std::optional<std::chrono::system_clock::time_point> now;  // default: the system clock
  std::optional<std::uint64_t> name_seed;                     // default: std::random_device
  // `--compute`: replaces the file's compute. Either way `local` (the default) and
  // `azureml:<cluster>` (with a warning, so Azure's samples run unchanged) run on this machine;
  // `slurm` and `slurm:<partition>` run a sweep's trials on a Slurm cluster.
  std::optional<std::string> compute;
};

// Parses a job file; relative data paths are resolved against the file's folder.
JobSpec parse_job_yaml(const std::string& path, const JobParseOptions& options = {});
// Parses job text; file_label names it in messages, base_dir resolves relative data paths.
JobSpec parse_job_yaml_text(const std::string& text, const std::string& file_label, const std::string& base_dir,
                            const JobParseOptions& options = {});

// `--set key=value`: any training parameter (`learning_rate=0.01`, `training_parameters.optimizer=adam`),
// `limits.max_trials=4` (or `max_trials=4`), and experiment_name, name, display_name, description,
// log_verbosity, validation_data_size; with the same checks as the file. Throws UsageError.
void apply_override(JobSpec& spec, const std::string& key_equals_value);

// The whole spec as JSON (resolved parameters under their job names, mode, warnings).
nlohmann::json job_to_json(const JobSpec& spec);

}  // namespace autodet
