#pragma once
// Naming a process so that another one can later tell whether it still runs: host, pid and the
// pid's start time, so a pid the system has since given to another program is not mistaken for it.
#include <cstdint>
#include <optional>
#include <string>

namespace autodet {

// "host:pid:start" with start in clock ticks after boot (/proc/PID/stat, field 22).
struct ProcessOwner {
  std::string host;
  long pid = 0;
  std::uint64_t start = 0;

  std::string str() const;
  // nullopt unless text is "host:pid:start" with a positive pid.
  static std::optional<ProcessOwner> parse(const std::string& text);
};

// This machine's host name.
std::string host_name();
// This process.
ProcessOwner this_process();
// True when pid is a live process on this host (a zombie is not: it has ended, unreaped).
bool process_alive(long pid);
// Start time of pid in clock ticks after boot; nullopt when it does not exist or cannot be read.
std::optional<std::uint64_t> process_start(long pid);
// On this host: false once the process has ended or its pid belongs to a later process. On
// another host it cannot be known (nullopt).
std::optional<bool> owner_alive(const ProcessOwner& owner);

}  // namespace autodet
