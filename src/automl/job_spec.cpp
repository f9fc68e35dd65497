#include "automl/job_spec.h"

#include <algorithm>
#include <random>

#include <yaml-cpp/yaml.h>

#include "core/closest_name.h"
#include "automl/compute_target.h"
#include "automl/job_name.h"
#include "automl/job_sections.h"
#include "automl/job_yaml_util.h"
#include "automl/param_table.h"
#include "core/value_words.h"
#include "automl/yaml_json.h"
#include "core/fs.h"
#include "core/rng.h"

namespace autodet {

using job_yaml::at;
using job_yaml::one_of;
using job_yaml::scalar;

namespace {

const std::vector<std::string>& top_level_keys() {
  static const std::vector<std::string> keys = {
      "$schema",        "type",          "task",          "name",         "display_name",
      "experiment_name", "description",  "tags",          "compute",      "log_verbosity",
      "primary_metric", "target_column_name", "training_data", "validation_data", "validation_data_size",
      "test_data",      "test_data_size", "limits",       "training_parameters", "sweep",
      "search_space",   "outputs",       "properties",    "resources",     "slurm"};
  return keys;
}

const std::vector<std::string>& other_tasks() {
  static const std::vector<std::string> t = {"image_classification", "image_classification_multilabel",
                                             "image_instance_segmentation", "classification", "regression",
                                             "forecasting", "text_classification", "text_classification_multilabel",
                                             "text_ner"};
  return t;
}

void add_warning(JobSpec& spec, const std::string& message) {
  if (std::find(spec.warnings.begin(), spec.warnings.end(), message) == spec.warnings.end())
    spec.warnings.push_back(message);
}

void warn_at(JobSpec& spec, const Location& where, const std::string& message) {
  add_warning(spec, where.str() + ": " + message);
}

// Top-level keys: each known and given once; a parameter or limit written at the top level is
// pointed to its section.
void check_top_keys(const std::string& file, const YAML::Node& root) {
  std::set<std::string> seen;
  for (auto it = root.begin(); it != root.end(); ++it) {
    const std::string k = it->first.Scalar();
    const Location where = at(file, it->first, k);
    if (!seen.insert(k).second) throw UsageError(where, "key '" + k + "' is given twice");
    if (std::find(top_level_keys().begin(), top_level_keys().end(), k) != top_level_keys().end()) continue;
    if (find_param(k)) throw UsageError(where, "'" + k + "' is a training parameter; put it under training_parameters:");
    if (k == "max_trials" || k == "max_concurrent_trials" || k == "timeout_minutes")
      throw UsageError(where, "'" + k + "' belongs under limits:");
    if (k == "sampling_algorithm" || k == "early_termination")
      throw UsageError(where, "'" + k + "' belongs under sweep:");
    throw UsageError(where, "unknown key '" + k + "'" + did_you_mean(k, top_level_keys()) +
                                " (an AutoML image_object_detection job takes: type, task, training_data, "
                                "validation_data, target_column_name, training_parameters, limits, sweep, "
                                "search_space, ...; see docs/job.md)");
  }
}

// compute: local runs here; azureml:<cluster> runs here too, with a warning, so Azure's samples
// run unchanged; slurm[:<partition>] runs the trials on a Slurm cluster (compute_target.h).
void read_compute(JobSpec& spec, const std::string& c, const Location& where) {
  std::string warning;
  spec.compute_target = parse_compute(c, where, &warning);
  spec.compute = spec.compute_target.name();
  if (!warning.empty()) warn_at(spec, where, warning);
}

void read_header(JobSpec& spec, const YAML::Node& root, const JobParseOptions& options) {
  const std::string& file = spec.source_file;
  const YAML::Node type = root["type"];
  if (!type) throw UsageError(Location{file, 1, "", "type"}, "type is missing; an AutoML job starts with 'type: automl'");
  const std::string t = scalar(file, type, "type");
  if (lower_word(t) != "automl")
    throw UsageError(at(file, type, "type"), "'" + t + "' is not allowed for type; expected automl (autodet runs "
                                                "AutoML image_object_detection jobs)");
  const YAML::Node task = root["task"];
  if (!task)
    throw UsageError(Location{file, 1, "", "task"}, "task is missing; expected 'task: image_object_detection'");
  const std::string k = scalar(file, task, "task");
  const std::string snake = camel_to_snake(k);
  if (std::find(other_tasks().begin(), other_tasks().end(), snake) != other_tasks().end())
    throw NotSupportedError(at(file, task, "task"), "task '" + k + "' is not supported; autodet trains object "
                                                       "detectors only (task: image_object_detection)");
  if (snake != "image_object_detection")
    throw UsageError(at(file, task, "task"), "'" + k + "' is not allowed for task; expected image_object_detection");

  if (options.compute) read_compute(spec, *options.compute, Location{"--compute", 0, "", "compute"});
  else if (const YAML::Node n = root["compute"]) read_compute(spec, scalar(file, n, "compute"), at(file, n, "compute"));
  for (const char* key : {"display_name", "description", "experiment_name"}) {
    if (!root[key]) continue;
    const std::string v = scalar(file, root[key], key);
    if (std::string(key) == "display_name") spec.display_name = v;
    else if (std::string(key) == "description") spec.description = v;
    else spec.experiment_name = v;
  }
  if (const YAML::Node n = root["name"]) {
    spec.name = scalar(file, n, "name");
    if (!valid_job_name(spec.name))
      throw UsageError(at(file, n, "name"), "'" + spec.name + "' is not allowed for name; expected letters, digits, "
                                                "'_', '-' and '.', starting with a letter or digit, at most 100 characters");
  }
  if (const YAML::Node n = root["tags"]; n && !n.IsNull()) {
    job_yaml::require_map(file, n, "tags");
    for (auto it = n.begin(); it != n.end(); ++it)
      spec.tags[it->first.Scalar()] = scalar(file, it->second, "tags." + it->first.Scalar());
  }
  if (const YAML::Node n = root["log_verbosity"])
    spec.log_verbosity = one_of(file, n, "log_verbosity", {"not_set", "debug", "info", "warning", "error", "critical"});
  if (const YAML::Node n = root["primary_metric"])
    spec.primary_metric = one_of(file, n, "primary_metric", {"mean_average_precision"});
  const YAML::Node target = root["target_column_name"];
  if (!target)
    throw UsageError(Location{file, 1, "", "target_column_name"},
                     "target_column_name is missing; add 'target_column_name: label'");
  spec.target_column_name = one_of(file, target, "target_column_name", {"label"});
}

void read_data(JobSpec& spec, const YAML::Node& root) {
  const std::string& file = spec.source_file;
  const YAML::Node train = root["training_data"];
  if (!train || train.IsNull())
    throw UsageError(Location{file, train ? at(file, train, "").line : 1, "", "training_data"},
                     "training_data is missing; add 'training_data: {path: <MLTable folder>, type: mltable}'");
  spec.training_data = job_yaml::read_data_input(file, train, "training_data", spec.base_dir);
  if (const YAML::Node n = root["validation_data"]; n && !n.IsNull())
    spec.validation_data = job_yaml::read_data_input(file, n, "validation_data", spec.base_dir);
  if (const YAML::Node n = root["validation_data_size"]; n && !n.IsNull()) {
    spec.validation_data_size = job_yaml::number_in(file, n, "validation_data_size", 0, 1, true, true);
    if (spec.validation_data)
      warn_at(spec, at(file, n, "validation_data_size"), "ignored: validation_data is given, so nothing is split off");
  }
  if (const YAML::Node n = root["test_data"]; n && !n.IsNull()) {
    spec.test_data = job_yaml::read_data_input(file, n, "test_data", spec.base_dir);
    warn_at(spec, at(file, n, "test_data"), "accepted but not used (Azure defines no test behaviour for object "
                                            "detection); evaluate a model with 'autodet evaluate'");
  }
  if (const YAML::Node n = root["test_data_size"]; n && !n.IsNull()) {
    spec.test_data_size = job_yaml::number_in(file, n, "test_data_size", 0, 1, true, true);
    warn_at(spec, at(file, n, "test_data_size"), "accepted but not used");
  }
}

void read_limits(JobSpec& spec, const YAML::Node& n) {
  const std::string& file = spec.source_file;
  if (!n || n.IsNull()) return;
  job_yaml::require_map(file, n, "limits");
  job_yaml::check_keys(file, n, "limits", {"max_trials", "max_concurrent_trials", "timeout_minutes", "trial_timeout_minutes"});
  if (n["max_trials"]) spec.limits.max_trials = job_yaml::int_in(file, n["max_trials"], "limits.max_trials", 1, 1000);
  if (n["max_concurrent_trials"])
    spec.limits.max_concurrent_trials_requested =
        job_yaml::int_in(file, n["max_concurrent_trials"], "limits.max_concurrent_trials", 1, 100);
  if (n["timeout_minutes"])
    spec.limits.timeout_minutes = job_yaml::int_in(file, n["timeout_minutes"], "limits.timeout_minutes", 1, 86400);
  if (n["trial_timeout_minutes"])
    spec.limits.trial_timeout_minutes =
        job_yaml::int_in(file, n["trial_timeout_minutes"], "limits.trial_timeout_minutes", 1, 86400);
}

void read_training_parameters(JobSpec& spec, const YAML::Node& n) {
  const std::string& file = spec.source_file;
  if (!n || n.IsNull()) return;
  job_yaml::require_map(file, n, "training_parameters");
  std::set<std::string> seen;
  for (auto it = n.begin(); it != n.end(); ++it) {
    const std::string name = it->first.Scalar();
    const std::string key = "training_parameters." + name;
    if (!find_param(name))
      throw UsageError(at(file, it->first, key), "unknown training parameter '" + name + "'" + suggest_param(name));
    if (!seen.insert(name).second) throw UsageError(at(file, it->first, key), "key '" + name + "' is given twice");
    const YAML::Node v = it->second;
    const Location loc = at(file, v.IsNull() ? it->first : v, key);
    nlohmann::json value;
    if (v.IsMap() && v["type"] && name != "advanced_settings")
      throw UsageError(loc, "training_parameters take fixed values; put distributions under search_space:");
    if (v.IsMap() && name != "advanced_settings")
      throw UsageError(loc, "expected a single value, got a mapping; expected " + find_param(name)->allowed());
    if (v.IsSequence() && name != "tile_grid_size")
      throw UsageError(loc, "expected a single value, got a list; expected " + find_param(name)->allowed());
    value = yaml_to_json(v);
    if (v.IsScalar()) value = v.Scalar();  // the text as written: every parameter reads its own spelling
    set_param_json(spec.params, name, value, loc, spec.warnings);
    spec.param_where[name] = loc;
  }
}

void check_job(JobSpec& spec);

// R2.1 and the checks that need the whole spec (run after parsing and after each override); the
// previous run's warnings are replaced, so a --set that resolves one also removes it.
void finalize(JobSpec& spec) {
  auto& w = spec.warnings;
  for (const auto& old : spec.check_warnings) w.erase(std::remove(w.begin(), w.end(), old), w.end());
  const std::size_t first = w.size();
  check_job(spec);
  spec.check_warnings.assign(w.begin() + long(first), w.end());
}

void check_job(JobSpec& spec) {
  Limits& l = spec.limits;
  l.max_concurrent_trials = std::min(l.max_concurrent_trials_requested, l.max_trials);
  if (l.max_concurrent_trials < l.max_concurrent_trials_requested)
    add_warning(spec, spec.source_file + ": limits.max_concurrent_trials: " +
                          std::to_string(l.max_concurrent_trials_requested) + " capped at max_trials (" +
                          std::to_string(l.max_trials) + ")");
  if (spec.mode() != JobMode::Single) return;  // in a sweep the model and optimizer vary per trial

  const TrainingParams& p = spec.params;
  const ModelFamily family = p.family();
  auto loc = [&](const std::string& name) {
    auto it = spec.param_where.find(name);
    return it != spec.param_where.end() ? it->second : Location{spec.source_file, 0, "", "training_parameters." + name};
  };
  auto given = [&](const std::string& name) { return p.explicitly_set.count(name) > 0; };
  for (const auto& info : param_table()) {
    if (!given(info.name) || param_applies(info, family)) continue;
    warn_at(spec, loc(info.name), info.scope == ParamScope::YoloOnly      ? "applies to yolov5 only; ignored by " + p.model_name
                                  : info.scope == ParamScope::SingleStage ? "applies to yolov5 and fastestdet only; ignored by " + p.model_name
                                                                          : "applies to Faster R-CNN, RetinaNet and FCOS only (not supported with " +
                                                                                p.model_name + "); ignored");
  }
  if (p.layers_to_freeze) {
    // R4.14: yolov5 model.0-9; resnet conv1, layer1-4; fastestdet's backbone: first conv, stages 2-4.
    const int most = family == ModelFamily::Yolo ? 10 : family == ModelFamily::FastestDet ? 4 : 5;
    if (*p.layers_to_freeze > most)
      throw UsageError(loc("layers_to_freeze"), "'" + std::to_string(*p.layers_to_freeze) +
                                                    "' is not allowed for layers_to_freeze with " + p.model_name +
                                                    "; expected an integer from 1 to " + std::to_string(most));
  }
  const bool sgd = p.optimizer == "sgd";
  for (const char* name : {"momentum", "nesterov"})
    if (given(name) && !sgd) warn_at(spec, loc(name), "has no effect with optimizer " + p.optimizer + " (sgd only)");
  for (const char* name : {"beta1", "beta2", "ams_gradient"})
    if (given(name) && sgd) warn_at(spec, loc(name), "has no effect with optimizer sgd (adam and adamw only)");
  for (const char* name : {"step_lr_gamma", "step_lr_step_size"})
    if (given(name) && p.learning_rate_scheduler != "step")
      warn_at(spec, loc(name), "has no effect with learning_rate_scheduler " + p.learning_rate_scheduler);
  for (const char* name : {"warmup_cosine_lr_cycles", "warmup_cosine_lr_warmup_epochs"})
    if (given(name) && p.learning_rate_scheduler != "warmup_cosine")
      warn_at(spec, loc(name), "has no effect with learning_rate_scheduler " + p.learning_rate_scheduler);
  if (p.tile_grid_size && p.log_training_metrics && given("log_training_metrics"))
    warn_at(spec, loc("log_training_metrics"), "training metrics are not computed when tiling is on (R8.9)");
  if (p.learning_rate_scheduler == "warmup_cosine" && p.warmup_cosine_lr_warmup_epochs >= p.number_of_epochs &&
      (given("warmup_cosine_lr_warmup_epochs") || given("number_of_epochs")))
    warn_at(spec, loc(given("number_of_epochs") ? "number_of_epochs" : "warmup_cosine_lr_warmup_epochs"),
            "warmup_cosine_lr_warmup_epochs (" + std::to_string(p.warmup_cosine_lr_warmup_epochs) +
                ") >= number_of_epochs (" + std::to_string(p.number_of_epochs) + "): the whole run is warmup");
}

}  // namespace

std::string job_mode_name(JobMode mode) {
  switch (mode) {
    case JobMode::Single: return "single";
    case JobMode::ManualSweep: return "manual_sweep";
    case JobMode::AutoMode: return "auto_mode";
  }
  return "single";
}

JobMode JobSpec::mode() const {
  if (!search_space.is_null() || !sweep.is_null()) return JobMode::ManualSweep;  // R2.12
  if (limits.max_trials > 1) return JobMode::AutoMode;                           // R2.11
  return JobMode::Single;                                                        // R2.10
}

JobSpec parse_job_yaml(const std::string& path, const JobParseOptions& options) {
  return parse_job_yaml_text(read_file(path), path, parent_dir(path), options);
}

JobSpec parse_job_yaml_text(const std::string& text, const std::string& file_label, const std::string& base_dir,
                            const JobParseOptions& options) {
  JobSpec spec;
  spec.source_file = file_label;
  spec.base_dir = absolute_path(base_dir.empty() ? "." : base_dir);
  const std::string& file = spec.source_file;
  if (const auto bad = invalid_utf8_at(text)) {
    const long line = 1 + long(std::count(text.begin(), text.begin() + long(*bad), '\n'));
    throw UsageError(Location{file, line, "", ""}, "not valid UTF-8 text (byte " + std::to_string(*bad) +
                                                       "); save the job file as UTF-8");
  }
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw UsageError(Location{file, e.mark.line >= 0 ? long(e.mark.line) + 1 : 0, "", ""}, "not valid YAML: " + e.msg);
  }
  if (!root.IsMap())
    throw UsageError(Location{file, 0, "", ""}, "a job file must be a YAML mapping starting with 'type: automl' "
                                                "and 'task: image_object_detection'");
  try {
    check_top_keys(file, root);
    read_header(spec, root, options);
    read_data(spec, root);
    read_limits(spec, root["limits"]);
    read_training_parameters(spec, root["training_parameters"]);
    spec.slurm = parse_slurm_resources(file, root["slurm"]);
    const YAML::Node sweep = root["sweep"], space = root["search_space"];
    if (sweep && !sweep.IsNull()) spec.sweep = job_yaml::read_sweep(file, sweep);
    if (space && !space.IsNull()) spec.search_space = job_yaml::read_search_space(file, space);
    if (!spec.search_space.is_null() && spec.sweep.is_null())
      throw UsageError(at(file, space, "search_space"), "search_space needs a sweep with sampling_algorithm (random, "
                                                        "grid or bayesian)");
    if (!spec.sweep.is_null() && spec.search_space.is_null())
      throw UsageError(at(file, sweep, "sweep"), "sweep needs a search_space to sample from; without both, "
                                                 "max_trials > 1 runs AutoMode");
    if (!spec.sweep.is_null())
      for (const auto& w : job_yaml::check_sweep_fits_space(file, sweep, space)) add_warning(spec, w);
    for (const char* key : {"outputs", "properties", "resources"}) {
      const YAML::Node n = root[key];
      if (!n || n.IsNull()) continue;
      nlohmann::json j = yaml_to_json(n);
      const std::string k = key;
      if (k == "outputs") spec.outputs = j;
      else if (k == "properties") spec.properties = j;
      else spec.resources = j;
      warn_at(spec, at(file, n, k), k == "outputs" ? "kept for reference only; autodet stores the best model in its run store"
                                    : k == "properties" ? "ignored (e.g. node_count_per_trial: autodet trains on one machine)"
                                                        : "ignored (Azure compute resources)");
    }
    if (spec.experiment_name.empty()) spec.experiment_name = file_name(spec.base_dir);
    if (spec.name.empty()) {
      Rng rng(options.name_seed ? *options.name_seed : (std::uint64_t(std::random_device{}()) << 32) ^ std::random_device{}());
      spec.name = generate_job_name(spec.experiment_name, options.now ? *options.now : std::chrono::system_clock::now(), rng);
      spec.name_generated = true;
    }
    finalize(spec);
  } catch (const YAML::Exception& e) {  // a value of an unexpected YAML shape somewhere not checked above
    throw UsageError(Location{file, e.mark.line >= 0 ? long(e.mark.line) + 1 : 0, "", ""}, "unexpected value: " + e.msg);
  }
  return spec;
}

namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

const std::vector<std::string>& override_keys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> k = {"max_trials", "max_concurrent_trials", "timeout_minutes", "experiment_name", "name",
                                  "display_name", "description", "log_verbosity", "validation_data_size"};
    for (const auto& p : param_names()) k.push_back(p);
    return k;
  }();
  return keys;
}

// --set for the non-parameter keys, read through the same checks as the file.
bool override_other(JobSpec& spec, const std::string& key, const std::string& value, const Location& where) {
  const YAML::Node node(value);  // a scalar without a mark: errors read "--set: key: ..."
  const std::string label = where.file;
  if (key == "max_trials") spec.limits.max_trials = job_yaml::int_in(label, node, key, 1, 1000);
  else if (key == "max_concurrent_trials")
    spec.limits.max_concurrent_trials_requested = job_yaml::int_in(label, node, key, 1, 100);
  else if (key == "timeout_minutes") spec.limits.timeout_minutes = job_yaml::int_in(label, node, key, 1, 86400);
  else if (key == "validation_data_size")
    spec.validation_data_size = job_yaml::number_in(label, node, key, 0, 1, true, true);
  else if (key == "log_verbosity")
    spec.log_verbosity = one_of(label, node, key, {"not_set", "debug", "info", "warning", "error", "critical"});
  else if (key == "name") {
    if (!valid_job_name(value))
      throw UsageError(where, "'" + value + "' is not allowed for name; expected letters, digits, '_', '-' and '.', "
                              "starting with a letter or digit, at most 100 characters");
    spec.name = value;
    spec.name_generated = false;
  } else if (key == "experiment_name") spec.experiment_name = value;
  else if (key == "display_name") spec.display_name = value;
  else if (key == "description") spec.description = value;
  else return false;
  return true;
}

}  // namespace

void apply_override(JobSpec& spec, const std::string& key_equals_value) {
  const std::size_t eq = key_equals_value.find('=');
  if (eq == std::string::npos || trim(key_equals_value.substr(0, eq)).empty())
    throw UsageError(Location{"--set", 0, "", key_equals_value},
                     "expected key=value, e.g. learning_rate=0.01 or limits.max_trials=4");
  std::string key = trim(key_equals_value.substr(0, eq));
  const std::string value = trim(key_equals_value.substr(eq + 1));
  for (const char* prefix : {"training_parameters.", "limits."})
    if (key.rfind(prefix, 0) == 0) key = key.substr(std::string(prefix).size());
  const Location where{"--set", 0, "", key};
  if (invalid_utf8_at(value)) throw UsageError(where, "the value is not valid UTF-8 text");
  if (find_param(key)) {
    set_param(spec.params, key, value, where, spec.warnings);
    spec.param_where[key] = where;
  } else if (!override_other(spec, key, value, where)) {
    const std::string hint = suggest_param(key);
    throw UsageError(where, "unknown key '" + key + "'" + (hint.empty() ? did_you_mean(key, override_keys()) : hint) +
                                "; --set takes training parameters, limits.max_trials, limits.max_concurrent_trials, "
                                "limits.timeout_minutes, experiment_name, name, display_name, description, "
                                "log_verbosity, validation_data_size");
  }
  finalize(spec);
}

nlohmann::json job_to_json(const JobSpec& spec) {
  auto input = [](const DataInput& in) {
    return nlohmann::json{{"path", in.path}, {"given", in.given}, {"type", in.type}, {"mode", in.mode}};
  };
  nlohmann::json j = {
      {"source_file", spec.source_file},
      {"name", spec.name},
      {"display_name", spec.display_name},
      {"experiment_name", spec.experiment_name},
      {"description", spec.description},
      {"tags", spec.tags},
      {"compute", spec.compute},
      {"slurm", slurm_resources_json(spec.slurm)},
      {"log_verbosity", spec.log_verbosity},
      {"primary_metric", spec.primary_metric},
      {"target_column_name", spec.target_column_name},
      {"mode", job_mode_name(spec.mode())},
      {"training_data", input(spec.training_data)},
      {"validation_data", spec.validation_data ? input(*spec.validation_data) : nlohmann::json()},
      {"validation_data_size", spec.validation_data_size},
      {"test_data", spec.test_data ? input(*spec.test_data) : nlohmann::json()},
      {"test_data_size", spec.test_data_size ? nlohmann::json(*spec.test_data_size) : nlohmann::json()},
      {"limits",
       {{"max_trials", spec.limits.max_trials},
        {"max_concurrent_trials", spec.limits.max_concurrent_trials},
        {"timeout_minutes", spec.limits.timeout_minutes ? nlohmann::json(*spec.limits.timeout_minutes) : nlohmann::json()},
        {"trial_timeout_minutes",
         spec.limits.trial_timeout_minutes ? nlohmann::json(*spec.limits.trial_timeout_minutes) : nlohmann::json()}}},
      {"training_parameters", params_to_json(spec.params)},
      {"explicitly_set", spec.params.explicitly_set},
      {"sweep", spec.sweep},
      {"search_space", spec.search_space},
      {"outputs", spec.outputs},
      {"properties", spec.properties},
      {"resources", spec.resources},
      {"warnings", spec.warnings},
  };
  return j;
}

}  // namespace autodet
