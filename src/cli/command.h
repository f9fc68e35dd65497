#pragma once
// Each command lives in its own cli/cmd_*.cpp and registers itself with a static
// CommandRegistrar; main.cpp builds the CLI11 app from every registered command.
#include <functional>
#include <string>

#include <CLI/CLI.hpp>

namespace autodet::cli {

using AddCommand = std::function<void(CLI::App& root)>;

struct CommandRegistrar {
  // order: smaller numbers are listed first in --help.
  CommandRegistrar(int order, AddCommand add);
};

// The command group `name` under root (e.g. "data"), created on first use.
CLI::App& command_group(CLI::App& root, const std::string& name, const std::string& description);

// Exit code a command's callback wants; set by commands that report problems (e.g. validate).
void set_exit_code(int code);

}  // namespace autodet::cli
