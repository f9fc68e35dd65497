// `autodet train JOB.yml`: train a detector from an Azure-style job file, no code.
#ifdef AUTODET_HAVE_TORCH  // training needs the libtorch layers
#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <csignal>

#include "automl/run_job.h"
#include "cli/command.h"
#include "core/error.h"
#include "core/log.h"
#include "core/process_restart.h"

namespace autodet::cli {
namespace {

std::atomic<bool> g_stop{false};

extern "C" void on_interrupt(int) {
  if (g_stop.exchange(true)) std::_Exit(130);  // a second Ctrl-C exits at once
}

struct Args {
  std::string job_file;
  std::string resume;
  std::string workspace = "./autodet-workspace";
  std::vector<std::string> overrides;
};

void run(const Args& a) {
  if (a.job_file.empty() == a.resume.empty()) throw UsageError("give a job file, or --resume JOB (not both)");
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
  RunJobOptions o;
  o.workspace = a.workspace;
  o.overrides = a.overrides;
  o.stop = &g_stop;
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
  }
  RunJobResult r = a.resume.empty() ? run_job_file(a.job_file, o) : resume_job(a.resume, o);
  if (r.train.interrupted) {
    set_exit_code(130);
    return;
  }
  log::out() << "job " << r.job << ": best epoch " << r.train.best_epoch + 1 << ", mean_average_precision "
             << r.train.best_score << "\nbest model: " << r.best_model_dir << "\n";
}

CommandRegistrar reg(20, [](CLI::App& root) {
  auto args = std::make_shared<Args>();
  auto* cmd = root.add_subcommand("train", "Train a detector from an AutoML job file (Azure CLI v2 YAML)");
  cmd->add_option("JOB", args->job_file, "Job YAML (type: automl, task: image_object_detection)");
  cmd->add_option("--resume", args->resume, "Continue JOB from its last completed epoch");
  cmd->add_option("--workspace", args->workspace, "Workspace folder (run store and artefacts)");
  cmd->add_option("--set", args->overrides, "key=value: override a training parameter (repeatable)");
  cmd->callback([args] { run(*args); });
});

}  // namespace
}  // namespace autodet::cli
#endif  // AUTODET_HAVE_TORCH
