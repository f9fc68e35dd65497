// `autodet train JOB.yml`: train a detector from an Azure-style job file, no code.
#ifdef AUTODET_HAVE_TORCH  // training needs the libtorch layers
#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <csignal>

#include <nlohmann/json.hpp>

#include "automl/run_job.h"
#include "automl/sweep_runner.h"
#include "automl/throughput_probe.h"
#include "cli/command.h"
#include "cli/store_option.h"
#include "cli/data_options.h"
#include "core/error.h"
#include "core/log.h"
#include "core/process_restart.h"

namespace autodet::cli {
namespace {

std::atomic<bool> g_stop{false};
std::atomic<bool> g_terminate{false};

extern "C" void on_interrupt(int) {
  if (g_stop.exchange(true)) std::_Exit(130);  // a second Ctrl-C exits at once
}

// A trial process: the scheduler's SIGTERM ends the trial for good (early termination, timeout).
extern "C" void on_terminate(int) { g_terminate.store(true); }

struct Args {
  std::string job_file;
  std::string resume;
  std::string workspace = "./autodet-workspace";
  std::vector<std::string> overrides;
  std::string compute;
  std::vector<std::string> image_roots;
  bool dry_run = false;
  std::string store;  // --store URL
  // Hidden: the modes the sweep scheduler starts this program in.
  std::string trial;
  int threads = 0;
  bool probe_throughput = false;
};

// `--trial TRIAL`: one trial of a sweep, in its own process (see automl/sweep_runner.h).
void run_trial_process(const Args& a) {
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_terminate);
  RunJobOptions o;
  o.workspace = a.workspace;
  o.stop = &g_stop;
  o.terminate = &g_terminate;
  o.threads = a.threads;
  RunJobResult r = run_trial(a.trial, o);
  if (r.train.interrupted) set_exit_code(kTrialExitInterrupted);
  else if (r.train.terminated) set_exit_code(kTrialExitStopped);
}

void run(const Args& a) {
  apply_store_option(a.store);
  if (a.probe_throughput) {
    log::out() << nlohmann::json{{"macs_per_second", measure_training_macs_per_second(a.threads)}}.dump() << "\n";
    return;
  }
  if (!a.trial.empty()) return run_trial_process(a);
  if (a.job_file.empty() == a.resume.empty()) throw UsageError("give a job file, or --resume JOB (not both)");
  if (a.dry_run && a.job_file.empty()) throw UsageError("--dry-run takes a job file");
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
  RunJobOptions o;
  o.workspace = a.workspace;
  o.overrides = a.overrides;
  if (!a.compute.empty()) o.compute = a.compute;
  o.image_roots = parse_image_roots(a.image_roots);
  o.stop = &g_stop;
  o.threads = a.threads;
  o.dry_run = a.dry_run;
  // libgomp's idle threads spin at barriers for 300,000 rounds unless told otherwise when the
  // process starts. With other processes competing for the cores that made a training step up to
  // 6x slower; a short spin (20,000) loses about 5% on an idle machine and keeps most of the speed
  // under contention, where OMP_WAIT_POLICY=PASSIVE loses 25% idle (bench/RESULTS.md). A policy
  // the user set is kept.
  if (!std::getenv("OMP_WAIT_POLICY") && !std::getenv("GOMP_SPINCOUNT")) {
    // This first pass only checks the job and its data; the restarted process says the rest, so
    // its warnings are not printed twice. Errors still end the command here, at once.
    const log::Level level = log::level();
    log::set_level(std::max(level, log::Level::Error));
    o.before_training = [level] {
      restart_with_env("GOMP_SPINCOUNT", "20000");
      log::set_level(level);  // the restart was impossible: go on in this process
    };
    // A sweep's scheduler trains nothing: its trial processes get the variable when they start.
    o.before_sweep = [level] { log::set_level(level); };
  }
  RunJobResult r = a.resume.empty() ? run_job_file(a.job_file, o) : resume_job(a.resume, o);
  if (r.planned_only) return;
  if (r.train.interrupted) {
    set_exit_code(130);
    return;
  }
  if (r.sweep) {
    if (r.trial.empty())
      log::out() << "job " << r.job << ": " << r.trials << " trials, none with a model\n";
    else
      log::out() << "job " << r.job << ": " << r.trials << " trials, best trial " << r.trial << " (" << r.train.score_name << " "
                 << r.train.best_score << " at epoch " << r.train.best_epoch << ")\nbest model: " << r.best_model_dir
                 << "\n`autodet jobs show " << r.job << "` compares the trials\n";
    return;
  }
  if (r.best_model_dir.empty()) {  // the time limit came before the first evaluation
    log::out() << "job " << r.job << ": stopped by its time limit after " << r.train.epochs_run
               << " epochs, before any evaluation: no model\n";
    set_exit_code(1);
    return;
  }
  log::out() << "job " << r.job << ": best epoch " << r.train.best_epoch + 1 << ", " << r.train.score_name << " "
             << r.train.best_score << (r.train.timed_out ? " (stopped by its time limit)" : "")
             << "\nbest model: " << r.best_model_dir << "\n";
}

CommandRegistrar reg(20, [](CLI::App& root) {
  auto args = std::make_shared<Args>();
  auto* cmd = root.add_subcommand("train", "Train a detector from an AutoML job file (Azure CLI v2 YAML)");
  cmd->add_option("JOB", args->job_file, "Job YAML (type: automl, task: image_object_detection)");
  cmd->add_option("--resume", args->resume, "Continue JOB from its last completed epoch");
  cmd->add_option("--workspace", args->workspace, "Workspace folder (run store and artefacts)");
  cmd->add_option("--set", args->overrides, "key=value: override a training parameter (repeatable)");
  cmd->add_option("--compute", args->compute,
                  "Where the trials run, replacing the job's compute: local (default; azureml:<cluster> also runs "
                  "here), slurm or slurm:<partition> (a Slurm cluster; docs/scale-out.md)");
  add_store_option(*cmd, args->store);
  cmd->add_option("--image-root", args->image_roots,
                  "Map the data's remote image URLs to a local folder: DIR (path looked up under DIR) or PREFIX=DIR "
                  "(prefix replaced); repeatable; trials of a sweep use it too");
  cmd->add_flag("--dry-run", args->dry_run,
                "Print the plan (trials, configurations, estimated minutes) without training");
  cmd->add_option("--threads", args->threads, "CPU threads to use (default: every core; a sweep divides them)");
  // Hidden: how the sweep scheduler starts a trial process and measures the training speed.
  cmd->add_option("--trial", args->trial, "")->group("");
  cmd->add_flag("--probe-throughput", args->probe_throughput, "")->group("");
  cmd->callback([args] { run(*args); });
});

}  // namespace
}  // namespace autodet::cli
#endif  // AUTODET_HAVE_TORCH
