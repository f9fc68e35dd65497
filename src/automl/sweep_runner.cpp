#include "automl/sweep_runner.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <map>
#include <memory>
#include <set>
#include <thread>

#include <fmt/format.h>

#include <yaml-cpp/yaml.h>  // parse_search_space/parse_sweep overloads need the complete type

#include "automl/automode.h"
#include "automl/job_data.h"
#include "automl/job_images.h"
#include "automl/sweep/sweep_budget.h"
#include "automl/sweep/sweep_settings.h"
#include "automl/sweep/termination_policy.h"
#include "automl/sweep_progress.h"
#include "automl/trial_executor.h"
#include "automl/trial_launch.h"
#include "automl/trial_process.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/log.h"
#include "models/registry.h"
#include "package/model_package.h"
#include "store/timestamp.h"
#include "store/job_heartbeat.h"
#include "store/workspace.h"

namespace autodet {
namespace {

using store::RunStatus;
using SteadyClock = std::chrono::steady_clock;

constexpr const char* kBestTag = "automl_best_child_run_id";    // R6.11
constexpr const char* kElapsedTag = "autodet.sweep_seconds";    // scheduler time used so far (timeout_minutes)

double seconds_since(SteadyClock::time_point t) { return std::chrono::duration<double>(SteadyClock::now() - t).count(); }

int total_threads(const SweepOptions& o) {
  return o.threads > 0 ? o.threads : int(std::max(1u, std::thread::hardware_concurrency()));
}

// Training MACs per second of one trial with `threads` threads, measured in a child process so the
// scheduler stays free of libtorch's thread pool.
double probe_throughput(const std::string& exe, int threads, const std::string& log_path) {
  make_dirs(parent_dir(log_path));
  if (fs_exists(log_path)) std::remove(log_path.c_str());
  ProcessSpec ps{exe, {"train", "--probe-throughput", "--threads", std::to_string(threads)}, log_path, trial_omp_env()};
  ExitStatus e = ChildProcess::start(ps).wait();
  const std::string out = fs_exists(log_path) ? read_file(log_path) : "";
  const auto at = out.rfind("{\"macs_per_second\"");
  if (e.signaled || e.code != 0 || at == std::string::npos)
    throw Error(Location{log_path, 0, "", ""}, "measuring the training speed failed (" + e.describe() + ")");
  return nlohmann::json::parse(out.substr(at, out.find('\n', at) - at)).at("macs_per_second").get<double>();
}

DataSize data_size(const JobSpec& spec) {
  const auto [train, val] = read_job_data(spec, job_seed(spec.params));
  DataSize d;
  d.train_images = train.images.size();
  d.validation_images = val.images.size();
  const auto tc = train.classes(), vc = val.classes();
  std::set<std::string> classes(tc.begin(), tc.end());
  classes.insert(vc.begin(), vc.end());
  d.classes = std::max<int>(1, int(classes.size()));
  return d;
}

std::string executable_of(const SweepOptions& o) { return o.executable.empty() ? self_executable() : o.executable; }

int threads_per_trial(const JobSpec& spec, const SweepOptions& o) {
  return std::max(1, total_threads(o) / std::max(1, spec.limits.max_concurrent_trials));
}

CostModel measured_cost_model(const JobSpec& spec, const SweepOptions& o, const std::string& log_path) {
  const DataSize d = data_size(spec);
  const double rate = probe_throughput(executable_of(o), threads_per_trial(spec, o), log_path);
  return CostModel(d, rate);
}

std::unique_ptr<TrialSource> make_source(const JobSpec& spec, const SweepOptions& o, const std::string& probe_log) {
  const CostModel cost = measured_cost_model(spec, o, probe_log);
  if (spec.mode() == JobMode::AutoMode) return make_automode_source(spec, cost);
  return make_manual_sweep_source(spec, &cost);
}

std::optional<int> trial_timeout(const JobSpec& spec) {
  if (!spec.limits.trial_timeout_minutes) return std::nullopt;
  return *spec.limits.trial_timeout_minutes;
}

// A trial the scheduler has launched and watches.
struct Running {
  std::string trial;
  std::size_t index = 0;  // position among the job's trials
  SteadyClock::time_point started;
  std::size_t decided_reports = 0;  // reports the policy has looked at
  std::optional<RunStatus> stop_status;  // set once the scheduler asked it to stop
  std::string stop_reason;
  SteadyClock::time_point signalled;
  bool killed = false;
};

class Scheduler {
 public:
  Scheduler(JobSpec spec, store::RunStore& rs, store::Workspace ws, SweepOptions o, std::unique_ptr<TrialSource> source)
      : spec_(std::move(spec)), rs_(rs), ws_(std::move(ws)), o_(std::move(o)), source_(std::move(source)),
        budget_(sweep::SweepBudget::of(spec_.limits, trial_timeout(spec_))),
        metric_(store::ranking_metric(rs_.get_job(spec_.name))),
        executor_(make_trial_executor(spec_, o_, rs_, ws_, threads_per_trial(spec_, o_))) {
    if (!spec_.sweep.is_null()) {
      const auto settings = sweep::parse_sweep(spec_.sweep, spec_.source_file);
      if (settings.early_termination) {
        policy_ = sweep::make_policy(*settings.early_termination);
        policy_name_ = sweep::policy_name(settings.early_termination->type);
      }
    }
    const auto tags = nlohmann::json::parse(rs_.get_job(spec_.name).tags, nullptr, false);
    if (tags.is_object() && tags.contains(kElapsedTag))
      elapsed_before_ = std::strtod(tags[kElapsedTag].get<std::string>().c_str(), nullptr);
  }

  SweepResult run() {
    store::JobHeartbeat heartbeat(ws_, spec_.name);
    start_ = SteadyClock::now();
    const int threads = threads_per_trial(spec_, o_);
    log::info("job {}: {} with up to {} trials, {} at a time ({} thread{} each){}; trials run as {}", spec_.name,
              job_mode_name(spec_.mode()), budget_.max_trials, budget_.max_concurrent_trials, threads,
              threads == 1 ? "" : "s",
              budget_.timeout_minutes ? fmt::format(", {} minutes", *budget_.timeout_minutes) : "",
              executor_->describe());
    bool no_more = false, stopping = false, interrupted = false;
    while (true) {
      reap();
      if (policy_) apply_policy();
      const double minutes = elapsed_minutes();
      if (!stopping && budget_.job_timed_out(minutes)) {
        stopping = true;
        log::info("job {}: timeout_minutes ({}) reached", spec_.name, *budget_.timeout_minutes);
        for (auto& r : running_) ask_stop(r, RunStatus::Canceled, fmt::format("job timeout_minutes ({}) reached",
                                                                               *budget_.timeout_minutes));
      }
      if (budget_.trial_timeout_minutes)
        for (auto& r : running_)
          if (budget_.trial_timed_out(seconds_since(r.started) / 60.0))
            ask_stop(r, RunStatus::Canceled,
                     fmt::format("trial_timeout_minutes ({}) reached", *budget_.trial_timeout_minutes));
      if (!interrupted && o_.stop && o_.stop->load()) {
        interrupted = stopping = true;
        log::warn("job {}: interrupted; stopping the trials after their current batch", spec_.name);
        for (auto& r : running_) executor_->signal(r.trial, TrialSignal::Interrupt);
      }
      escalate();
      bool started = false;
      while (!stopping && !no_more && int(running_.size()) < budget_.max_concurrent_trials) {
        const auto outcome = start_next(minutes);
        if (outcome == Start::Started) started = true;
        if (outcome != Start::Started) {
          no_more = outcome == Start::NoMore;
          break;
        }
      }
      save_elapsed();
      progress_.update(elapsed_minutes());
      if (running_.empty() && !started) {
        if (stopping || no_more) break;
        // Nothing runs and nothing could start now: the source waits for results it will not get.
        if (!any_queued()) break;
      }
      std::this_thread::sleep_for(std::chrono::duration<double>(o_.poll_seconds));
    }
    SweepResult result = finish(interrupted);
    executor_->collect();
    return result;
  }

 private:
  enum class Start { Started, Wait, NoMore };

  double elapsed_minutes() const { return (elapsed_before_ + seconds_since(start_)) / 60.0; }

  void save_elapsed() {
    if (seconds_since(last_saved_) < 5) return;
    last_saved_ = SteadyClock::now();
    rs_.set_job_tag(spec_.name, kElapsedTag, fmt::format("{:.1f}", elapsed_before_ + seconds_since(start_)));
  }

  bool any_queued() {
    for (const auto& t : rs_.list_trials(spec_.name))
      if (t.status == RunStatus::Queued && !is_running(t.id)) return true;
    return false;
  }

  bool is_running(const std::string& id) const {
    return std::any_of(running_.begin(), running_.end(), [&](const Running& r) { return r.trial == id; });
  }

  // Starts a queued trial (after a resume), else a new one from the source.
  Start start_next(double minutes) {
    const auto trials = rs_.list_trials(spec_.name);
    for (std::size_t i = 0; i < trials.size(); ++i)
      if (trials[i].status == RunStatus::Queued && !is_running(trials[i].id)) {
        launch(trials[i], i);
        return Start::Started;
      }
    if (int(trials.size()) >= budget_.max_trials) return Start::NoMore;
    std::optional<double> remaining;
    if (budget_.timeout_minutes) remaining = *budget_.timeout_minutes - minutes;
    auto p = source_->next(past_trials(rs_, spec_.name), remaining);
    if (!p) return running_.empty() ? Start::NoMore : Start::Wait;
    const bool over = remaining && p->estimated_minutes && *p->estimated_minutes > *remaining;
    if (over && !trials.empty() && source_->stops_when_over_budget()) {
      log::info("job {}: the next trial would take about {:.1f} minutes, {:.1f} are left: no new trials", spec_.name,
                *p->estimated_minutes, *remaining);
      return Start::NoMore;
    }
    if (over && trials.empty())
      log::warn("job {}: the first trial is estimated at {:.1f} minutes, more than the {:.1f} left; it starts anyway "
                "and is stopped at the deadline with its best epoch so far", spec_.name, *p->estimated_minutes, *remaining);
    store::TrialRecord tr;
    tr.parameters = params_to_json(trial_params(spec_, p->config)).dump();
    tr.config = p->to_json().dump();
    const std::string id = rs_.create_trial(spec_.name, tr);  // recorded before it starts
    log::info("trial {} ({}{}): {}", id, p->source,
              p->estimated_minutes ? fmt::format(", about {:.1f} min", *p->estimated_minutes) : "",
              sweep::describe(p->config));
    launch(rs_.get_trial(id), trials.size());
    return Start::Started;
  }

  void launch(const store::TrialRecord& t, std::size_t index) {
    if (rs_.get_job(spec_.name).status == RunStatus::Queued) rs_.set_job_status(spec_.name, RunStatus::Running);
    try {
      executor_->launch(TrialLaunch{t, threads_per_trial(spec_, o_)});
    } catch (const std::exception& e) {
      not_started(t.id, e.what());
      return;
    }
    launched_any_ = true;
    Running r;
    r.trial = t.id;
    r.index = index;
    r.started = SteadyClock::now();
    running_.push_back(std::move(r));
  }

  // A trial its executor could not start fails; when no trial could start at all (no Slurm here,
  // a refused partition), neither will the next, so the job fails with the reason.
  void not_started(const std::string& trial, const std::string& why) {
    log::error("trial {}: could not start: {}", trial, why);
    const RunStatus now = rs_.get_trial(trial).status;
    if (!store::is_final(now)) rs_.set_trial_status(trial, now == RunStatus::Queued ? RunStatus::Canceled : RunStatus::Failed, why);
    if (launched_any_) return;
    rs_.set_job_status(spec_.name, RunStatus::Failed, "no trial could start: " + why);
    throw Error("job " + spec_.name + ": no trial could start: " + why);
  }

  void ask_stop(Running& r, RunStatus status, const std::string& reason) {
    if (r.stop_status) return;
    r.stop_status = status;
    r.stop_reason = reason;
    r.signalled = SteadyClock::now();
    log::info("trial {}: stopping ({}): {}", r.trial, store::to_string(status), reason);
    rs_.request_trial_stop(r.trial, status, reason);
    executor_->signal(r.trial, TrialSignal::Stop);
  }

  void escalate() {
    for (auto& r : running_)
      if (r.stop_status && !r.killed && seconds_since(r.signalled) > o_.kill_grace_seconds) {
        log::warn("trial {}: still running {} s after it was asked to stop; killing it", r.trial, o_.kill_grace_seconds);
        executor_->signal(r.trial, TrialSignal::Kill);
        r.killed = true;
      }
  }

  // The trials whose executor says they ended: their final status is in the store.
  void reap() {
    bool changed = false;
    for (const std::string& id : executor_->poll()) {
      const auto it = std::find_if(running_.begin(), running_.end(), [&](const Running& r) { return r.trial == id; });
      if (it == running_.end()) continue;
      const store::TrialRecord now = rs_.get_trial(id);
      log::info("trial {}: {}{}", id, store::to_string(now.status), now.message.empty() ? "" : " (" + now.message + ")");
      running_.erase(it);
      changed = true;
    }
    if (changed) publish_best();
  }

  // Early termination (R2.4): each new report of a running trial is one decision point.
  void apply_policy() {
    const auto trials = rs_.list_trials(spec_.name);
    std::vector<sweep::TrialMetrics> metrics(trials.size());
    for (std::size_t i = 0; i < trials.size(); ++i) {
      // The history is kept in a variable: a range-for over a part of a temporary would read freed memory.
      const store::MetricHistory history = rs_.metric_history(trials[i].id);
      const auto primary = history.find(metric_);
      if (primary != history.end())
        for (const auto& p : primary->second)
          if (!std::isnan(p.value)) metrics[i].by_epoch[p.epoch] = p.value;
      metrics[i].finished = store::is_final(trials[i].status);
    }
    for (auto& r : running_) {
      if (r.stop_status || r.index >= metrics.size()) continue;
      const sweep::TrialMetrics full = metrics[r.index];
      for (std::size_t k = r.decided_reports + 1; k <= full.evaluations(); ++k) {
        sweep::TrialMetrics upto;
        for (const auto& [epoch, v] : full.by_epoch)
          if (upto.by_epoch.size() < k) upto.by_epoch[epoch] = v;
        metrics[r.index] = upto;
        const sweep::Decision d = policy_->decide(metrics, r.index);
        r.decided_reports = k;
        if (d.terminate) {
          ask_stop(r, RunStatus::Terminated, policy_name_ + ": " + d.reason);
          break;
        }
      }
      metrics[r.index] = full;
    }
  }

  // The best trial so far: its id as the job's tag, its package as the job's best model. When
  // AutoMode's refit of that trial has completed, the refit's model (trained on more images) is
  // published in its place, under the refit's id.
  void publish_best() {
    auto best = rs_.best_trial(spec_.name);
    if (!best || rs_.get_trial(best->trial).status == RunStatus::Running) return;
    std::string chosen = best->trial;
    if (auto refit = completed_refit_of(best->trial)) chosen = *refit;
    std::string package = join_path(ws_.trial_dir(spec_.name, chosen), "model");
    if (!fs_exists(join_path(package, "model.pt"))) {
      log::warn("job {}: the best trial {} left no model package", spec_.name, chosen);
      return;
    }
    const auto tags = nlohmann::json::parse(rs_.get_job(spec_.name).tags, nullptr, false);
    if (tags.is_object() && tags.value(kBestTag, "") == chosen && fs_exists(ws_.best_model_dir(spec_.name))) return;
    copy_model_package(package, ws_.best_model_dir(spec_.name));
    rs_.set_job_tag(spec_.name, kBestTag, chosen);
    if (chosen != best->trial)
      log::info("job {}: best model: trial {}, the refit of the best trial {} ({} {:.5f}) on training + validation images",
                spec_.name, chosen, best->trial, metric_, best->value);
    else
      log::info("job {}: best trial {} ({} {:.5f})", spec_.name, best->trial, metric_, best->value);
  }

  // The refit of `trial` whose model replaces that trial's: one that completed, or one the deadline
  // (or a stop) cut after at least kRefitShare of its epochs, which then kept its last weights.
  static constexpr double kRefitShare = 0.9;
  std::optional<std::string> completed_refit_of(const std::string& trial) {
    for (const auto& t : rs_.list_trials(spec_.name)) {
      const auto meta = nlohmann::json::parse(t.config, nullptr, false);
      if (!is_refit(meta) || meta.value("refit_of", "") != trial) continue;
      if (t.status == RunStatus::Completed) return t.id;
      if (t.status != RunStatus::Canceled && t.status != RunStatus::Terminated) continue;
      const std::string metrics = join_path(ws_.trial_dir(spec_.name, t.id), "model/metrics.json");
      const auto params = nlohmann::json::parse(t.parameters, nullptr, false);
      if (!fs_exists(metrics) || !params.is_object()) continue;
      const auto m = nlohmann::json::parse(read_file(metrics), nullptr, false);
      const int epochs = params.value("number_of_epochs", 0);
      const int run = m.is_object() ? m.value("epochs_run", 0) : 0;
      if (epochs > 0 && run >= kRefitShare * epochs) {
        log::info("job {}: the refit {} was stopped after {} of its {} epochs; its last weights are kept", spec_.name,
                  t.id, run, epochs);
        return t.id;
      }
    }
    return std::nullopt;
  }

  SweepResult finish(bool interrupted) {
    last_saved_ = {};
    save_elapsed();
    publish_best();
    SweepResult out;
    out.job = spec_.name;
    out.interrupted = interrupted;
    const auto trials = rs_.list_trials(spec_.name);
    out.trials = int(trials.size());
    std::map<std::string, int> counts;
    for (const auto& t : trials) ++counts[store::to_string(t.status)];
    std::string summary;
    for (const auto& [status, n] : counts) summary += fmt::format("{}{} {}", summary.empty() ? "" : ", ", n, status);
    out.best = rs_.best_trial(spec_.name);
    out.metric = metric_;
    if (out.best && fs_exists(join_path(ws_.best_model_dir(spec_.name), "model.pt"))) out.best_model_dir = ws_.best_model_dir(spec_.name);
    const RunStatus job_status = rs_.get_job(spec_.name).status;
    if (interrupted) {
      for (const auto& t : trials)  // a trial that ignored the interrupt and was killed
        if (t.status == RunStatus::Running) rs_.set_trial_status(t.id, RunStatus::Queued, "interrupted");
      const std::string msg = fmt::format("interrupted ({}); continue with: autodet train --resume {}", summary, spec_.name);
      if (job_status == RunStatus::Running) rs_.set_job_status(spec_.name, RunStatus::Queued, msg);
      log::warn("{}", msg);
      return out;
    }
    for (const auto& t : trials)  // never started: the time ran out
      if (t.status == RunStatus::Queued) rs_.set_trial_status(t.id, RunStatus::Canceled, "the job ended before it started");
    const bool all_failed = !trials.empty() && counts["failed"] == int(trials.size());
    const std::string msg = fmt::format("{} trials: {}", trials.size(), summary);
    if (job_status == RunStatus::Queued) rs_.set_job_status(spec_.name, RunStatus::Running);
    rs_.set_job_status(spec_.name, all_failed || trials.empty() ? RunStatus::Failed : RunStatus::Completed, msg);
    log::info("job {}: {}", spec_.name, msg);
    return out;
  }

  JobSpec spec_;
  store::RunStore& rs_;
  store::Workspace ws_;
  SweepOptions o_;
  std::unique_ptr<TrialSource> source_;
  std::unique_ptr<sweep::TerminationPolicy> policy_;
  std::string policy_name_;
  sweep::SweepBudget budget_;
  std::string metric_;  // what ranks trials and what early termination compares
  std::unique_ptr<TrialExecutor> executor_;
  std::vector<Running> running_;
  bool launched_any_ = false;
  SteadyClock::time_point start_;
  SteadyClock::time_point last_saved_{};
  double elapsed_before_ = 0;
  SweepProgress progress_{rs_, spec_.name, metric_, budget_};  // the terminal's one line for the job
};

JobSpec spec_of_job(const store::JobRecord& job, const store::Workspace& ws) {
  return parse_saved_job(read_file(join_path(ws.job_dir(job.name), "job.yml")), nlohmann::json::parse(job.spec));
}

}  // namespace

std::vector<PastTrial> past_trials(store::RunStore& rs, const std::string& job) {
  const std::string metric = store::ranking_metric(rs.get_job(job));
  std::vector<PastTrial> out;
  for (const auto& t : rs.list_trials(job)) {
    PastTrial p;
    p.id = t.id;
    const auto meta = nlohmann::json::parse(t.config, nullptr, false);
    if (meta.is_object()) p.meta = meta;
    p.config.subspace = p.meta.value("subspace", std::size_t(0));
    p.config.values = p.meta.value("values", nlohmann::json::object());
    p.finished = store::is_final(t.status);
    const store::MetricHistory h = rs.metric_history(t.id);
    if (p.finished && t.status != RunStatus::Failed)
      if (auto best = store::best_point(h, metric)) {
        p.objective = best->value;
        p.best_epoch = best->epoch;
      }
    if (p.finished) p.minutes = store::seconds_between(t.times.started, t.times.ended).value_or(0) / 60.0;
    if (auto it = h.find("epoch_seconds"); it != h.end() && !it->second.empty()) {
      double sum = 0;
      for (const auto& e : it->second) sum += e.value;
      p.mean_epoch_seconds = sum / double(it->second.size());
    }
    out.push_back(std::move(p));
  }
  return out;
}

SweepResult run_sweep_job(const JobSpec& spec, const std::string& text, const nlohmann::json& saved,
                          const SweepOptions& options) {
  store::Workspace ws(absolute_path(options.workspace));
  check_compute(spec, ws);
  auto rs = store::open_run_store(ws, true);
  require_new_job_name(*rs, ws, spec);
  // Decoded once here, so all trials leave out the same images and none decodes them all again.
  std::vector<UnusableImage> rejected;
  auto data = read_job_data(spec, job_seed(spec.params), &rejected);
  const auto unusable = leave_out_unusable_images(data, rejected, spec.training_data.given, unsigned(options.threads));
  auto source = make_source(spec, options, join_path(ws.job_dir(spec.name), "throughput.log"));
  record_new_job(*rs, ws, spec, saved, text, RunStatus::Running);
  rs->set_job_skipped_images(spec.name, unusable_images_json(unusable));
  log::info("job {} in {}", spec.name, ws.root());
  return Scheduler(spec, *rs, ws, options, std::move(source)).run();
}

SweepResult resume_sweep_job(const std::string& name, const SweepOptions& options) {
  store::Workspace ws(absolute_path(options.workspace));
  auto rs = store::open_run_store(ws, false);
  const store::JobRecord job = rs->get_job(name);
  if (store::is_final(job.status))
    throw UsageError("job '" + name + "' has ended (" + store::to_string(job.status) + "); nothing to resume");
  const JobSpec spec = spec_of_job(job, ws);
  for (const auto& t : rs->list_trials(name)) {
    if (t.status != RunStatus::Running) continue;
    // Its process dies with the scheduler (parent-death signal); wait for that to be visible.
    for (int i = 0; i < 100 && worker_alive(t.worker); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (worker_alive(t.worker))
      throw UsageError("trial " + t.id + " is still running (process " + t.worker + "); is the job's scheduler still running?");
    rs->set_trial_status(t.id, RunStatus::Queued, "resumed: its process ended with the scheduler");
  }
  if (job.status == RunStatus::Running) rs->set_job_status(name, RunStatus::Queued, "resumed");
  auto source = make_source(spec, options, join_path(ws.job_dir(name), "throughput.log"));
  log::info("resuming job {}", name);
  return Scheduler(spec, *rs, ws, options, std::move(source)).run();
}

void print_job_plan(const JobSpec& spec, const SweepOptions& options) {
  const std::string probe_log = join_path(absolute_path(options.workspace), "dry-run-throughput.log");
  std::unique_ptr<TrialSource> source;
  const CostModel cost = measured_cost_model(spec, options, probe_log);
  if (spec.mode() == JobMode::AutoMode) source = make_automode_source(spec, cost);
  if (spec.mode() == JobMode::ManualSweep) source = make_manual_sweep_source(spec, &cost);
  auto& out = log::out();
  const int threads = threads_per_trial(spec, options);
  out << fmt::format("job {}: {}, up to {} trial{}, {} at a time, {}\n", spec.name, job_mode_name(spec.mode()),
                     spec.limits.max_trials, spec.limits.max_trials == 1 ? "" : "s", spec.limits.max_concurrent_trials,
                     spec.limits.timeout_minutes ? fmt::format("timeout {} min", *spec.limits.timeout_minutes) : "no timeout");
  out << fmt::format("data: {} training, {} validation images, {} class{}; training speed {:.2f} GMAC/s per trial "
                       "({} thread{}, measured)\n",
                       cost.data().train_images, cost.data().validation_images, cost.data().classes, cost.data().classes == 1 ? "" : "es",
                       cost.macs_per_second() / 1e9, threads, threads == 1 ? "" : "s");
  std::vector<PlannedTrial> plan;
  if (source) {
    plan = plan_trials(*source, spec.limits);
  } else {  // a single run
    Proposal p;
    p.source = "single";
    p.estimated_minutes = cost.minutes(spec.params);
    plan.push_back({p, 0.0});
  }
  std::vector<std::string> keys;  // the parameters that vary, in first-seen order
  for (const auto& t : plan)
    for (auto it = t.proposal.config.values.begin(); it != t.proposal.config.values.end(); ++it)
      if (std::find(keys.begin(), keys.end(), it.key()) == keys.end()) keys.push_back(it.key());
  std::string header = fmt::format("{:>3}  {:<9}", "#", "source");
  for (const auto& k : keys) header += fmt::format("  {:>{}}", k, std::max<std::size_t>(6, k.size()));
  header += "  est. min  starts at min";
  out << header << "\n";
  double total = 0;
  const bool known = std::all_of(plan.begin(), plan.end(), [](const PlannedTrial& t) { return bool(t.proposal.estimated_minutes); });
  std::set<std::string> unbuilt;  // model families of planned trials that cannot train yet
  std::size_t unbuilt_trials = 0;
  for (std::size_t i = 0; i < plan.size(); ++i) {
    const auto& p = plan[i].proposal;
    const auto& values = p.config.values;
    const std::string model = values.contains("model_name") && values["model_name"].is_string()
                                  ? values["model_name"].get<std::string>()
                                  : spec.params.model_name;
    std::string line = fmt::format("{:>3}  {:<9}", i, p.source);
    for (const auto& k : keys) {
      const auto& v = p.config.values;
      std::string text = !v.contains(k) ? "-" : v[k].is_string() ? v[k].get<std::string>() : v[k].dump();
      if (v.contains(k) && v[k].is_number_float()) text = fmt::format("{:.4g}", v[k].get<double>());
      line += fmt::format("  {:>{}}", text, std::max<std::size_t>(6, k.size()));
    }
    line += p.estimated_minutes ? fmt::format("  {:>8.1f}", *p.estimated_minutes) : fmt::format("  {:>8}", "?");
    line += known ? fmt::format("  {:>13.1f}", plan[i].start_minute) : fmt::format("  {:>13}", "?");
    if (!models::is_registered_detector(model)) {
      line += "  (" + model + ": not implemented yet)";
      unbuilt.insert(model);
      ++unbuilt_trials;
    }
    out << line << "\n";
    total += p.estimated_minutes.value_or(0);
  }
  const double end = [&] {
    double e = 0;
    for (const auto& t : plan) e = std::max(e, t.start_minute + t.proposal.estimated_minutes.value_or(0));
    return e;
  }();
  if (known)
    out << fmt::format("planned: {} trial{}, {:.1f} trial-minutes, done after about {:.1f} min{}\n", plan.size(),
                       plan.size() == 1 ? "" : "s", total, end,
                       spec.limits.timeout_minutes ? fmt::format(" (timeout {} min)", *spec.limits.timeout_minutes) : "");
  else
    out << fmt::format("planned: {} trial{}; their times are estimated once trials have finished\n", plan.size(),
                       plan.size() == 1 ? "" : "s");
  if (known && spec.limits.timeout_minutes && !plan.empty() && *plan[0].proposal.estimated_minutes > *spec.limits.timeout_minutes)
    out << fmt::format("the first trial is estimated at more than the timeout: it starts anyway and is stopped after {} "
                       "min with its best epoch so far\n", *spec.limits.timeout_minutes);
  if (spec.mode() == JobMode::AutoMode) {
    bool fine_tunes = false, from_scratch = false;
    for (const auto& t : plan) {
      const auto& v = t.proposal.config.values;
      const bool none = v.contains("pretrained_weights") && v["pretrained_weights"] == "none";
      (none ? from_scratch : fine_tunes) = true;
    }
    if (fine_tunes && from_scratch)
      out << "the trials from scratch (pretrained_weights none) start only if no fine-tuned trial finishes; once one "
             "has, the time left goes to refinement\n";
  }
  if (spec.mode() == JobMode::AutoMode) {
    const auto why = portfolio_left_out(spec, cost, plan);
    const auto& portfolio = automode_portfolio();
    bool header = false;
    for (std::size_t i = 0; i < why.size(); ++i) {
      if (why[i].empty()) continue;
      if (!header) out << "left out of the portfolio:\n";
      header = true;
      const auto& e = portfolio[i];
      out << fmt::format("  {}{} from {}: {}\n", e.model_name, e.model_size.empty() ? "" : " " + e.model_size,
                         e.pretrained() ? "COCO" : "scratch", why[i]);
    }
  }
  if (spec.mode() == JobMode::AutoMode && int(plan.size()) < spec.limits.max_trials)
    out << fmt::format("then: up to {} refinement trials (TPE around the best finished configuration: learning_rate, "
                       "number_of_epochs, image_size), each started only when its estimate fits the time left and "
                       "leaves room for the refit; last, when it fits, a refit of the best configuration on the "
                       "training and validation images ({} + {}) for the epochs it needed, which becomes the best model\n",
                       spec.limits.max_trials - int(plan.size()), cost.data().train_images, cost.data().validation_images);
  if (!unbuilt.empty())
    out << fmt::format("{} of the {} planned trials use {}, not implemented yet: each of them fails when it starts and "
                       "the sweep goes on with the others (models that train today: {})\n",
                       unbuilt_trials, plan.size(), fmt::join(unbuilt, ", "), fmt::join(models::registered_detectors(), ", "));
  if (spec.mode() == JobMode::ManualSweep)
    out << "estimates are corrected by the finished trials' epoch times as they come; early termination may end "
           "trials sooner\n";
}

}  // namespace autodet
