#pragma once
// A trial's own process: the same autodet binary started with a hidden `train --trial` mode, its
// output appended to the trial's log, killed together with the scheduler (Linux parent-death
// signal), so a crash, an out-of-memory kill or a hang of one trial ends that trial only.
#include <sys/types.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace autodet {

// How a child process ended.
struct ExitStatus {
  bool signaled = false;
  int code = 0;    // exit code when !signaled
  int signal = 0;  // signal number when signaled
  std::string describe() const;  // "exit code 1", "killed by signal 9 (Killed)"
};

// What to start.
struct ProcessSpec {
  std::string executable;
  std::vector<std::string> args;  // after argv[0]
  std::string log_path;           // stdout and stderr are appended here
  // Environment variables set for the child unless the environment already has them.
  std::vector<std::pair<std::string, std::string>> default_env;
};

// A started child; poll() reaps it once it has ended.
class ChildProcess {
 public:
  // fork + exec; Error naming the executable or log when that fails.
  static ChildProcess start(const ProcessSpec& spec);
  pid_t pid() const { return pid_; }
  // Nothing while it runs; how it ended otherwise (and then again on later calls).
  std::optional<ExitStatus> poll();
  // Waits until it ends.
  ExitStatus wait();
  void signal(int sig) const;

 private:
  pid_t pid_ = -1;
  std::optional<ExitStatus> ended_;
};

// This program's own file (/proc/self/exe).
std::string self_executable();
// "host:pid" of this process, or of pid on this host.
std::string worker_name(pid_t pid = 0);
// True when worker names a live process on this host ("host:pid" as worker_name writes it).
bool worker_alive(const std::string& worker);

}  // namespace autodet
