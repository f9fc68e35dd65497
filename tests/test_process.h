#pragma once
// Starting the autodet binary in the background, for tests that kill or watch a running command.
#include <string>
#include <vector>

#include <sys/types.h>

namespace autodet::testing {

// Starts `autodet ARGS` in a child process, its stdout and stderr written to `log`; the caller
// waits for or kills the returned pid.
pid_t start_autodet(const std::vector<std::string>& args, const std::string& log);

}  // namespace autodet::testing
