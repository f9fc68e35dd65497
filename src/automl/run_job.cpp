#include "automl/run_job.h"

#include <chrono>
#include <filesystem>
#include <unistd.h>

#include <fmt/format.h>

#include "automl/automode.h"
#include "automl/job_data.h"
#include "automl/job_images.h"
#include "automl/job_spec.h"
#include "automl/sweep_runner.h"
#include "automl/trial_launch.h"
#include "automl/trial_process.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/log.h"
#include "export/onnx_export.h"
#include "package/model_package.h"
#include "models/device.h"
#include "store/job_heartbeat.h"
#include "store/workspace.h"
#include "train/progress_hook.h"
#include "train/store_hook.h"

namespace autodet {
namespace {

using store::RunStatus;

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

// Azure writes model.onnx beside every trial's model (spec section 6.7); so does autodet, in the
// input form enable_onnx_normalization asks for. A failed export is a warning: the package stands.
void export_trial_onnx(const TrainingParams& p, const std::string& package_dir, store::RunStore& rs, const std::string& trial) {
  if (package_dir.empty()) return;
  OnnxExportOptions o;
  o.input_0_255 = p.enable_onnx_normalization;
  const std::string file = join_path(package_dir, "model.onnx");
  try {
    export_onnx(package_dir, file, o);
    rs.record_artifact(trial, "onnx", file);
  } catch (const std::exception& e) {
    log::warn("trial {}: the model was not exported to ONNX: {}", trial, e.what());
  }
}

RunJobResult train_trial(const JobSpec& spec, const std::pair<Dataset, Dataset>& data, const std::string& trial,
                         store::RunStore& rs, const store::Workspace& ws, bool resume, const RunJobOptions& options) {
  TrainConfig cfg = to_train_config(spec.params);
  cfg.threads = options.threads;
  if (std::string from = initial_weights(spec, rs, ws); !from.empty()) cfg.init_weights = from;
  // A single run is the job's only trial: both limits bound its training time (R2.2).
  std::optional<int> limit = spec.limits.timeout_minutes;
  if (spec.limits.trial_timeout_minutes && (!limit || *spec.limits.trial_timeout_minutes < *limit))
    limit = spec.limits.trial_timeout_minutes;
  if (limit) cfg.max_minutes = *limit;
  const auto& [train, val] = data;
  const std::string dir = ws.trial_dir(spec.name, trial);
  store::JobHeartbeat heartbeat(ws, spec.name);
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
  rs.record_artifact(trial, "checkpoint", join_path(dir, "checkpoint.pt"));
  if (out.train.timed_out) {
    const std::string which = limit == spec.limits.timeout_minutes ? "timeout_minutes" : "trial_timeout_minutes";
    const std::string msg = fmt::format("{} ({}) reached after {} epochs", which, *limit, out.train.epochs_run);
    rs.set_trial_status(trial, RunStatus::Canceled, msg);
    log::warn("job {}: {}", spec.name, msg);
    if (out.train.package_dir.empty()) {
      rs.set_job_status(spec.name, RunStatus::Failed, msg + ", before any evaluation: no model");
      return out;
    }
  } else {
    rs.set_trial_status(trial, RunStatus::Completed);
  }
  rs.record_artifact(trial, "model", out.train.package_dir);
  export_trial_onnx(spec.params, out.train.package_dir, rs, trial);
  out.best_model_dir = ws.best_model_dir(spec.name);
  if (auto best = rs.best_trial(spec.name))
    copy_model_package(join_path(ws.trial_dir(spec.name, best->trial), "model"), out.best_model_dir);
  rs.set_job_status(spec.name, RunStatus::Completed);
  return out;
}

SweepOptions sweep_options(const RunJobOptions& o) {
  SweepOptions s;
  s.workspace = o.workspace;
  s.stop = o.stop;
  s.threads = o.threads;
  return s;
}

RunJobResult from_sweep(const SweepResult& r) {
  RunJobResult out;
  out.job = r.job;
  out.sweep = true;
  out.trials = r.trials;
  out.best_model_dir = r.best_model_dir;
  out.train.interrupted = r.interrupted;
  if (r.best) {
    out.trial = r.best->trial;
    out.train.best_score = r.best->value;
    out.train.best_epoch = r.best->epoch;
    out.train.score_name = r.metric == store::kCocoApMetric ? "COCO AP@[.5:.95]" : r.metric;
  }
  return out;
}

// A job that asks for a GPU this machine lacks fails before anything is recorded or changed.
void check_device(const JobSpec& spec) {
  try {
    parse_device(spec.params.device);
  } catch (const UsageError& e) {
    throw UsageError(std::string("training_parameters.device: ") + e.what());
  }
}

// What must hold before a new job is recorded: a free name and a usable starting model.
void check_new_job(const JobSpec& spec, store::RunStore& rs, const store::Workspace& ws) {
  require_new_job_name(rs, ws, spec);
  initial_weights(spec, rs, ws);
}

}  // namespace

RunJobResult run_job_file(const std::string& job_yaml, const RunJobOptions& options) {
  const std::string text = read_file(job_yaml);
  JobParseOptions parse;
  parse.compute = options.compute;
  JobSpec spec = parse_job_yaml_text(text, job_yaml, absolute_path(parent_dir(job_yaml)), parse);
  spec.image_roots = options.image_roots;
  for (const auto& o : options.overrides) apply_override(spec, o);
  const bool sweep = spec.mode() != JobMode::Single;
  if ((sweep || options.dry_run) && options.before_sweep) options.before_sweep();
  for (const auto& w : spec.warnings) log::warn("{}", w);
  check_data_paths(spec);
  if (options.dry_run) {
    print_job_plan(spec, sweep_options(options));
    RunJobResult r;
    r.job = spec.name;
    r.planned_only = true;
    return r;
  }
  check_device(spec);
  if (!sweep && spec.compute_target.kind == ComputeTarget::Kind::Slurm)
    throw NotSupportedError(Location{spec.source_file, 0, "", "compute"},
                            "compute: " + spec.compute + " runs the trials of a sweep or AutoMode job (max_trials > 1) "
                            "on Slurm workers; a single training run trains here: use compute: local");
  if (sweep) return from_sweep(run_sweep_job(spec, text, saved_job(spec, job_yaml, options.overrides), sweep_options(options)));

  std::vector<UnusableImage> rejected;
  auto data = read_job_data(spec, job_seed(spec.params), &rejected);
  store::Workspace ws(options.workspace);
  auto rs = store::open_run_store(ws, true);
  check_new_job(spec, *rs, ws);
  if (options.before_training) {
    rs.reset();  // the restarted process opens it again
    options.before_training();
    rs = store::open_run_store(ws, true);
    check_new_job(spec, *rs, ws);
  }
  const auto unusable = leave_out_unusable_images(data, rejected, spec.training_data.given, unsigned(options.threads));
  record_new_job(*rs, ws, spec, saved_job(spec, job_yaml, options.overrides), text, RunStatus::Queued);
  rs->set_job_skipped_images(spec.name, unusable_images_json(unusable));
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
  store::require_not_running(job, store::Clock::now());
  nlohmann::json saved = nlohmann::json::parse(job.spec);
  if (saved.value("job", nlohmann::json::object()).value("mode", "single") != "single") {
    rs.reset();
    if (options.before_sweep) options.before_sweep();
    return from_sweep(resume_sweep_job(name, sweep_options(options)));
  }
  auto trials = rs->list_trials(name);
  const store::TrialRecord* open = nullptr;
  for (const auto& t : trials)
    if (t.status == RunStatus::Running || t.status == RunStatus::Queued) open = &t;
  if (!open)
    throw UsageError("job '" + name + "' has no unfinished trial to resume (status " + store::to_string(job.status) + ")");
  JobSpec spec = parse_saved_job(read_file(join_path(ws.job_dir(name), "job.yml")), saved);
  if (!options.image_roots.empty()) spec.image_roots = options.image_roots;
  for (const auto& o : options.overrides) apply_override(spec, o);
  check_device(spec);
  std::vector<UnusableImage> rejected;
  auto data = read_job_data(spec, job_seed(spec.params), &rejected);
  if (options.before_training) options.before_training();
  rs->set_job_skipped_images(name, unusable_images_json(
                                       leave_out_unusable_images(data, rejected, spec.training_data.given, unsigned(options.threads))));
  if (open->status == RunStatus::Running) rs->set_trial_status(open->id, RunStatus::Queued, "resumed");
  if (job.status == RunStatus::Running) rs->set_job_status(name, RunStatus::Queued, "resumed");
  log::info("resuming job {} (trial {})", name, open->id);
  return train_trial(spec, data, open->id, *rs, ws, true, options);
}

RunJobResult run_trial(const std::string& id, const RunJobOptions& options) {
  store::Workspace ws(options.workspace);
  auto rs = store::open_run_store(ws, false);
  const store::TrialRecord trial = rs->get_trial(id);
  RunJobResult out;
  out.job = trial.job;
  out.trial = id;
  TrainingParams spec_params;  // the trial's parameters, for its ONNX export
  try {
    if (trial.status != RunStatus::Running)
      throw UsageError("trial " + id + " is " + store::to_string(trial.status) + ", not running: its scheduler starts it");
    const store::JobRecord job = rs->get_job(trial.job);
    JobSpec spec = parse_saved_job(read_file(join_path(ws.job_dir(job.name), "job.yml")), nlohmann::json::parse(job.spec));
    const nlohmann::json config = nlohmann::json::parse(trial.config);
    spec.params = trial_params(spec, sweep::TrialConfig{config.value("subspace", std::size_t(0)),
                                                        config.value("values", nlohmann::json::object())});
    spec_params = spec.params;
    // AutoMode's last trial may refit the best configuration on the training and validation
    // images together (docs/automode.md): its evaluation then scores images it trained on.
    const bool refit = is_refit(config);
    auto data = read_job_data(spec, job_seed(spec.params), nullptr, refit);
    leave_out_recorded_images(data, job.skipped_images, spec.training_data.given);
    if (refit && spec.params.test_time_augmentation == "auto") {
      // The refit has no held-out images to choose with: it takes what its trial chose on them.
      const std::string settings = join_path(ws.trial_dir(job.name, config.value("refit_of", "")), "model/settings.json");
      const auto chosen = fs_exists(settings) ? nlohmann::json::parse(read_file(settings), nullptr, false) : nlohmann::json();
      spec.params.test_time_augmentation =
          chosen.is_object() ? chosen.value("test_time_augmentation", std::string("none")) : std::string("none");
    }
    TrainConfig cfg = to_train_config(spec.params);
    cfg.threads = options.threads;
    if (refit) {
      cfg.validation_in_training = true;
      cfg.log_training_metrics = false;
      cfg.log_validation_loss = false;
      cfg.package_metrics["refit_of"] = config.value("refit_of", "");
      cfg.package_metrics["trained_on"] = "training and validation images";
      log::info("trial {}: refit of trial {} on {} images (training + validation), {} epochs; its validation "
                "images are among them, so their scores are recorded as training metrics (*_train)",
                id, config.value("refit_of", ""), data.first.images.size(), cfg.epochs);
    }
    if (std::string from = initial_weights(spec, *rs, ws); !from.empty()) cfg.init_weights = from;
    const std::string dir = ws.trial_dir(job.name, id);
    ProgressHook progress;
    StoreHook store_hook(*rs, id, reported_worker_name());
    std::vector<TrainHook*> hooks{&progress, &store_hook};
    log::info("trial {} of job {}: {}", id, job.name, config.value("values", nlohmann::json::object()).dump());
    out.train = train_detector(cfg, data.first, data.second, dir, /*resume=*/true, hooks, options.stop, options.terminate);
  } catch (const std::exception& e) {
    if (rs->get_trial(id).status == RunStatus::Running) rs->set_trial_status(id, RunStatus::Failed, e.what());
    throw;
  }
  const std::string dir = ws.trial_dir(trial.job, id);
  if (out.train.interrupted) {
    rs->set_trial_status(id, RunStatus::Queued, fmt::format("interrupted after {} epochs", out.train.epochs_run));
    return out;
  }
  if (!out.train.package_dir.empty()) rs->record_artifact(id, "model", out.train.package_dir);
  export_trial_onnx(spec_params, out.train.package_dir, *rs, id);
  rs->record_artifact(id, "checkpoint", join_path(dir, "checkpoint.pt"));
  rs->record_artifact(id, "log", join_path(dir, "trial.log"));
  if (!out.train.terminated) rs->set_trial_status(id, RunStatus::Completed);
  return out;
}

}  // namespace autodet
