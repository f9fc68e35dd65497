#pragma once
// `--store URL`: the run store for this command and the processes it starts (trial processes,
// Slurm workers) instead of the workspace's own (docs/store.md).
#include <string>

#include <CLI/CLI.hpp>

namespace autodet::cli {

void add_store_option(CLI::App& cmd, std::string& url);
// Sets $AUTODET_STORE when a URL was given, so child processes use the same store.
void apply_store_option(const std::string& url);

}  // namespace autodet::cli
