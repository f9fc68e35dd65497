#include "automl/run_job.h"

#include <chrono>
#include <filesystem>
#include <unistd.h>

#include <fmt/format.h>

#include "automl/job_spec.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/log.h"
#include "data/load.h"
#include "data/split.h"
#include "deploy/model_package.h"
#include "store/workspace.h"
#include "train/progress_hook.h"
#include "train/store_hook.h"

namespace autodet {
namespace {

using store::RunStatus;

constexpr std::uint64_t kDefaultSeed = 1;  // the Azure YOLO runtime's default random_seed

std::uint64_t job_seed(const TrainingParams& p) { return p.random_seed ? std::uint64_t(*p.random_seed) : kDefaultSeed; }

TrainConfig to_train_config(const TrainingParams& p) {
  TrainConfig c;
  c.model_name = p.model_name;
  c.model_size = p.model_size;
  c.image_size = p.image_size;
  c.epochs = p.number_of_epochs;
  c.batch_size = p.training_batch_size;
  c.validation_batch_size = p.validation_batch_size;
  c.learning_rate = p.learning_rate;
  c.scheduler = p.learning_rate_scheduler;
  c.warmup_epochs = p.warmup_cosine_lr_warmup_epochs;
  c.cosine_cycles = p.warmup_cosine_lr_cycles;
  c.step_size = p.step_lr_step_size;
  c.step_gamma = p.step_lr_gamma;
  c.optimizer = p.optimizer;
  c.momentum = p.momentum;
  c.nesterov = p.nesterov;
  c.weight_decay = p.weight_decay;
  c.beta1 = p.beta1;
  c.beta2 = p.beta2;
  c.amsgrad = p.ams_gradient;
  c.gradient_accumulation = p.gradient_accumulation_step;
  c.early_stopping = p.early_stopping;
  c.early_stopping_patience = p.early_stopping_patience;
  c.early_stopping_delay = p.early_stopping_delay;
  c.evaluation_frequency = p.evaluation_frequency;
  c.checkpoint_frequency = p.checkpoint_frequency;
  c.layers_to_freeze = p.layers_to_freeze;
  c.metric_type = p.validation_metric_type;
  c.iou_threshold = p.validation_iou_threshold;
  c.box_score_threshold = p.box_score_threshold;
  c.nms_iou_threshold = p.nms_iou_threshold;
  c.max_detections = p.box_detections_per_image;
  c.multi_scale = p.multi_scale;
  c.mosaic = p.advanced_settings.apply_mosaic_for_yolo;
  c.augment = p.advanced_settings.apply_automl_train_augmentations;
  c.log_validation_loss = p.log_validation_loss;
  c.log_training_metrics = p.log_training_metrics && !p.tile_grid_size;  // R8.9: off with tiling
  c.precision = p.precision;
  c.device = p.device;
  c.workers = 0;
  c.seed = job_seed(p);
  return c;
}

// Reads the data of a job: training, and validation given or split off (R1.24).
std::pair<Dataset, Dataset> read_job_data(const JobSpec& spec, std::uint64_t seed) {
  Diagnostics diag;
  ReadOptions opts;
  SplitDataset sd = load_dataset(spec.training_data.path, DataFormat::Auto, opts, diag);
  if (spec.validation_data) {
    SplitDataset v = load_dataset(spec.validation_data->path, DataFormat::Auto, opts, diag);
    sd.splits["validation"] = v.merged();
  }
  sd.splits.erase("test");
  if (!diag.ok() || diag.warnings())
    log::warn("data: {} errors (those images or boxes are skipped) and {} warnings; `autodet data validate {}` lists them",
              diag.errors(), diag.warnings(), spec.training_data.given);
  split_validation(sd, spec.validation_data_size, seed);
  Dataset train = sd.splits["train"], val = sd.splits["validation"];
  if (train.images.empty())
    throw DataError(Location{spec.training_data.path, 0, "", ""}, "training data has no usable images");
  if (val.images.empty())
    throw DataError(Location{spec.training_data.path, 0, "", ""}, "no validation images (the training set is too small to split)");
  return {std::move(train), std::move(val)};
}

std::string worker_name() {
  char host[256] = {0};
  ::gethostname(host, sizeof host - 1);
  return fmt::format("{}:{}", host, ::getpid());
}

// Incremental training (§8.1): the model another trial (or a job's best) left, "" without one.
std::string initial_weights(const JobSpec& spec, store::RunStore& rs, const store::Workspace& ws) {
  if (!spec.params.checkpoint_run_id) return "";
  const std::string& id = *spec.params.checkpoint_run_id;
  std::string from;
  if (auto t = rs.find_trial(id)) from = join_path(ws.trial_dir(t->job, id), "model/model.pt");
  else if (rs.find_job(id)) from = join_path(ws.best_model_dir(id), "model.pt");
  else throw UsageError("checkpoint_run_id '" + id + "' is neither a trial nor a job in " + ws.root());
  if (!fs_exists(from)) throw UsageError("checkpoint_run_id '" + id + "' has no finished model yet (" + from + ")");
  return from;
}

RunJobResult train_trial(const JobSpec& spec, const std::pair<Dataset, Dataset>& data, const std::string& trial,
                         store::RunStore& rs, const store::Workspace& ws, bool resume, const RunJobOptions& options) {
  TrainConfig cfg = to_train_config(spec.params);
  cfg.init_weights = initial_weights(spec, rs, ws);
  const auto& [train, val] = data;
  const std::string dir = ws.trial_dir(spec.name, trial);
  ProgressHook progress;
  StoreHook store_hook(rs, trial, worker_name());
  std::vector<TrainHook*> hooks{&store_hook};
  if (options.progress) hooks.insert(hooks.begin(), &progress);
  rs.set_trial_status(trial, RunStatus::Running);
  rs.heartbeat(trial, worker_name());
  if (rs.get_job(spec.name).status != RunStatus::Running) rs.set_job_status(spec.name, RunStatus::Running);

  RunJobResult out;
  out.job = spec.name;
  out.trial = trial;
  try {
    out.train = train_detector(cfg, train, val, dir, resume, hooks, options.stop);
  } catch (const std::exception& e) {
    rs.set_trial_status(trial, RunStatus::Failed, e.what());
    rs.set_job_status(spec.name, RunStatus::Failed, std::string("trial ") + trial + " failed: " + e.what());
    throw;
  }
  if (out.train.interrupted) {
    const std::string msg = fmt::format("interrupted after {} epochs; continue with: autodet train --resume {}",
                                        out.train.epochs_run, spec.name);
    rs.set_trial_status(trial, RunStatus::Queued, msg);
    rs.set_job_status(spec.name, RunStatus::Queued, msg);
    log::warn("{}", msg);
    return out;
  }
  rs.record_artifact(trial, "model", out.train.package_dir);
  rs.record_artifact(trial, "checkpoint", join_path(dir, "checkpoint.pt"));
  rs.set_trial_status(trial, RunStatus::Completed);
  out.best_model_dir = ws.best_model_dir(spec.name);
  if (auto best = rs.best_trial(spec.name))
    copy_model_package(join_path(ws.trial_dir(spec.name, best->trial), "model"), out.best_model_dir);
  rs.set_job_status(spec.name, RunStatus::Completed);
  return out;
}

JobSpec parse_saved(const std::string& text, const nlohmann::json& saved) {
  JobSpec spec = parse_job_yaml_text(text, saved.at("source_file").get<std::string>(), saved.at("base_dir").get<std::string>());
  for (const auto& o : saved.at("overrides")) apply_override(spec, o.get<std::string>());
  apply_override(spec, "name=" + saved.at("name").get<std::string>());
  return spec;
}

// What must hold before a new job is recorded: a free name and a usable starting model.
void check_new_job(const JobSpec& spec, store::RunStore& rs, const store::Workspace& ws) {
  if (rs.find_job(spec.name))
    throw UsageError("job '" + spec.name + "' already exists in " + ws.root() + "; give another name, or continue it with --resume " +
                     spec.name);
  initial_weights(spec, rs, ws);
}

}  // namespace

RunJobResult run_job_file(const std::string& job_yaml, const RunJobOptions& options) {
  const std::string text = read_file(job_yaml);
  JobSpec spec = parse_job_yaml_text(text, job_yaml, absolute_path(parent_dir(job_yaml)));
  for (const auto& o : options.overrides) apply_override(spec, o);
  for (const auto& w : spec.warnings) log::warn("{}", w);
  if (spec.mode() != JobMode::Single)
    throw NotSupportedError(Location{job_yaml, 0, "", ""},
                            fmt::format("{} jobs (search_space/sweep or max_trials > 1) are not supported yet; "
                                        "run one configuration with max_trials: 1",
                                        job_mode_name(spec.mode())));
  if (!fs_exists(spec.training_data.path))
    throw DataError(Location{job_yaml, spec.training_data.line, "", "training_data.path"},
                    "'" + spec.training_data.given + "' does not exist");
  if (spec.validation_data && !fs_exists(spec.validation_data->path))
    throw DataError(Location{job_yaml, spec.validation_data->line, "", "validation_data.path"},
                    "'" + spec.validation_data->given + "' does not exist");

  const auto data = read_job_data(spec, job_seed(spec.params));
  store::Workspace ws(options.workspace);
  auto rs = store::open_run_store(ws, true);
  check_new_job(spec, *rs, ws);
  if (options.before_training) {
    rs.reset();  // the restarted process opens it again
    options.before_training();
    rs = store::open_run_store(ws, true);
    check_new_job(spec, *rs, ws);
  }
  nlohmann::json saved{{"source_file", job_yaml}, {"base_dir", spec.base_dir}, {"overrides", options.overrides},
                       {"name", spec.name}, {"job", job_to_json(spec)}};
  store::JobRecord job;
  job.name = spec.name;
  job.experiment_name = spec.experiment_name;
  job.display_name = spec.display_name;
  job.description = spec.description;
  job.spec = saved.dump();
  job.tags = nlohmann::json(spec.tags).dump();
  rs->create_job(job);
  make_dirs(ws.job_dir(spec.name));
  write_file_atomic(join_path(ws.job_dir(spec.name), "job.yml"), text);
  store::TrialRecord tr;
  tr.parameters = params_to_json(spec.params).dump();
  const std::string trial = rs->create_trial(spec.name, tr);
  log::info("job {} (trial {}) in {}", spec.name, trial, ws.root());
  return train_trial(spec, data, trial, *rs, ws, false, options);
}

RunJobResult resume_job(const std::string& name, const RunJobOptions& options) {
  store::Workspace ws(options.workspace);
  auto rs = store::open_run_store(ws, false);
  store::JobRecord job = rs->get_job(name);
  auto trials = rs->list_trials(name);
  const store::TrialRecord* open = nullptr;
  for (const auto& t : trials)
    if (t.status == RunStatus::Running || t.status == RunStatus::Queued) open = &t;
  if (!open)
    throw UsageError("job '" + name + "' has no unfinished trial to resume (status " + store::to_string(job.status) + ")");
  nlohmann::json saved = nlohmann::json::parse(job.spec);
  JobSpec spec = parse_saved(read_file(join_path(ws.job_dir(name), "job.yml")), saved);
  for (const auto& o : options.overrides) apply_override(spec, o);
  const auto data = read_job_data(spec, job_seed(spec.params));
  if (options.before_training) options.before_training();
  if (open->status == RunStatus::Running) rs->set_trial_status(open->id, RunStatus::Queued, "resumed");
  if (job.status == RunStatus::Running) rs->set_job_status(name, RunStatus::Queued, "resumed");
  log::info("resuming job {} (trial {})", name, open->id);
  return train_trial(spec, data, open->id, *rs, ws, true, options);
}

}  // namespace autodet
