// `autodet worker`: runs a sweep's trials on this machine, claimed from the shared run store.
// The Slurm executor starts it in each task of the workers' job array (automl/trial_worker.h).
#ifdef AUTODET_HAVE_TORCH
#include <atomic>
#include <csignal>

#include "automl/trial_worker.h"
#include "cli/command.h"
#include "cli/store_option.h"

namespace autodet::cli {
namespace {

std::atomic<bool> g_stop{false};

extern "C" void on_stop(int) { g_stop.store(true); }

CommandRegistrar reg(21, [](CLI::App& root) {
  auto o = std::make_shared<WorkerOptions>();
  auto store = std::make_shared<std::string>();
  auto* cmd = root.add_subcommand(
      "worker", "Run a sweep's trials here, claimed from the job's shared run store (what compute: slurm starts)");
  cmd->add_option("--workspace", o->workspace, "Workspace folder, on a filesystem every node shares")->required();
  cmd->add_option("--job", o->job, "The sweep job whose trials to run")->required();
  cmd->add_option("--marker", o->marker, "The token the scheduler wrote into the workspace")->required();
  cmd->add_option("--threads", o->threads, "CPU threads of each trial")->capture_default_str();
  add_store_option(*cmd, *store);
  cmd->callback([o, store] {
    apply_store_option(*store);
    std::signal(SIGTERM, on_stop);
    std::signal(SIGINT, on_stop);
    o->stop = &g_stop;
    run_worker(*o);
  });
});

}  // namespace
}  // namespace autodet::cli
#endif  // AUTODET_HAVE_TORCH
