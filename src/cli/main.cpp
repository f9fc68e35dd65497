// autodet: AutoML for image object detection. One binary, one subcommand per task.
#include <algorithm>
#include <iostream>
#include <vector>

#include "cli/command.h"
#include "core/error.h"
#include "core/log.h"
#include "core/process_restart.h"
#ifdef AUTODET_HAVE_TORCH
#include "models/cpu_allocator.h"
#endif

namespace autodet::cli {
namespace {

std::vector<std::pair<int, AddCommand>>& registry() {
  static std::vector<std::pair<int, AddCommand>> r;
  return r;
}

int g_exit_code = 0;

}  // namespace

CommandRegistrar::CommandRegistrar(int order, AddCommand add) { registry().emplace_back(order, std::move(add)); }

CLI::App& command_group(CLI::App& root, const std::string& name, const std::string& description) {
  for (auto* sub : root.get_subcommands([](CLI::App*) { return true; }))
    if (sub->get_name() == name) return *sub;
  auto* g = root.add_subcommand(name, description);
  g->require_subcommand(1);
  return *g;
}

void set_exit_code(int code) { g_exit_code = std::max(g_exit_code, code); }

}  // namespace autodet::cli

int main(int argc, char** argv) {
  using namespace autodet;
  restart_for_openblas_kernels();  // OpenBLAS reads its kernel choice only when it loads
#ifdef AUTODET_HAVE_TORCH
  models::use_huge_page_allocator();  // before any tensor exists; inherited by every command
#endif
  CLI::App app{"autodet: AutoML for image object detection (train, evaluate, predict, serve)"};
  app.set_version_flag("--version", "autodet 0.1.0");
  app.require_subcommand(1);
  bool verbose = false, quiet = false;
  app.add_flag("-v,--verbose", verbose, "More log output");
  app.add_flag("-q,--quiet", quiet, "Only warnings and errors");
  app.parse_complete_callback([&] { log::set_level(verbose ? log::Level::Debug : quiet ? log::Level::Warn : log::Level::Info); });

  auto& reg = cli::registry();
  std::stable_sort(reg.begin(), reg.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [_, add] : reg) add(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  } catch (const UsageError& e) {
    std::cerr << "autodet: usage error: " << e.what() << "\n";
    return 2;
  } catch (const Error& e) {
    std::cerr << "autodet: error: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "autodet: internal error: " << e.what() << "\n";
    return 3;
  }
  return cli::g_exit_code;
}
