// `autodet info`: versions, threads and devices of this build.
#include <cstdlib>
#include <string>

#include "cli/command.h"
#include "core/log.h"
#include "core/process_restart.h"
#ifdef AUTODET_HAVE_TORCH
#include "models/device.h"
#endif

namespace autodet::cli {
namespace {

CommandRegistrar reg(90, [](CLI::App& root) {
  auto* cmd = root.add_subcommand("info", "Show the build: versions, threads, devices");
  cmd->callback([] {
    log::out() << "autodet 0.1.0\n";
#ifdef AUTODET_HAVE_TORCH
    log::out() << torch_runtime_summary() << "\n";
    if (const std::string core = openblas_core(); !core.empty())
      log::out() << "OpenBLAS " << core << " kernels" << (std::getenv("OPENBLAS_CORETYPE") ? " (OPENBLAS_CORETYPE)" : "") << "\n";
#else
    log::out() << "built without libtorch\n";
#endif
  });
});

}  // namespace
}  // namespace autodet::cli
