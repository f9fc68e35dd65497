#pragma once
// Runs an external program (no shell) and captures what it prints, for the cluster clients
// (sbatch, squeue, scancel) the scheduler drives.
#include <string>
#include <vector>

namespace autodet {

// What a finished command printed (stdout and stderr together) and how it ended.
struct CommandOutput {
  int exit_code = -1;   // -1 when it could not be started or was killed by a signal
  std::string output;
  bool ok() const { return exit_code == 0; }
};

// argv[0] is looked up on PATH. Error when argv is empty; a program that is missing gives
// exit code 127 and says so in output.
CommandOutput run_command(const std::vector<std::string>& argv);

}  // namespace autodet
