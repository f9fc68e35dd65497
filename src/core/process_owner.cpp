#include "core/process_owner.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

namespace autodet {
namespace {

// The fields of /proc/PID/stat after "pid (name)": [0] = state (field 3), [19] = starttime (field 22).
std::optional<std::vector<std::string>> stat_fields(long pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  if (!f) return std::nullopt;
  std::string line;
  std::getline(f, line);
  const auto close = line.rfind(')');  // the name may hold spaces and parentheses
  if (close == std::string::npos) return std::nullopt;
  std::istringstream rest(line.substr(close + 1));
  std::vector<std::string> fields;
  for (std::string w; rest >> w;) fields.push_back(w);
  return fields;
}

}  // namespace

std::string ProcessOwner::str() const { return host + ":" + std::to_string(pid) + ":" + std::to_string(start); }

std::optional<ProcessOwner> ProcessOwner::parse(const std::string& text) {
  const auto last = text.rfind(':');
  if (last == std::string::npos || last == 0) return std::nullopt;
  const auto middle = text.rfind(':', last - 1);
  if (middle == std::string::npos || middle == 0) return std::nullopt;
  ProcessOwner o;
  o.host = text.substr(0, middle);
  char* end = nullptr;
  const std::string pid = text.substr(middle + 1, last - middle - 1), start = text.substr(last + 1);
  o.pid = std::strtol(pid.c_str(), &end, 10);
  if (pid.empty() || *end || o.pid <= 0) return std::nullopt;
  o.start = std::strtoull(start.c_str(), &end, 10);
  if (start.empty() || *end) return std::nullopt;
  return o;
}

std::string host_name() {
  char host[256] = {0};
  ::gethostname(host, sizeof host - 1);
  return host;
}

ProcessOwner this_process() {
  const long pid = long(::getpid());
  return ProcessOwner{host_name(), pid, process_start(pid).value_or(0)};
}

bool process_alive(long pid) {
  if (pid <= 0) return false;
  if (::kill(pid_t(pid), 0) != 0 && errno != EPERM) return false;
  const auto fields = stat_fields(pid);
  if (!fields || fields->empty()) return true;  // no /proc: kill() is all there is to go by
  return (*fields)[0] != "Z" && (*fields)[0] != "X";
}

std::optional<std::uint64_t> process_start(long pid) {
  const auto fields = stat_fields(pid);
  if (!fields || fields->size() < 20) return std::nullopt;
  return std::strtoull((*fields)[19].c_str(), nullptr, 10);
}

std::optional<bool> owner_alive(const ProcessOwner& owner) {
  if (owner.host != host_name()) return std::nullopt;
  if (!process_alive(owner.pid)) return false;
  const auto start = process_start(owner.pid);
  return !start || owner.start == 0 || *start == owner.start;
}

}  // namespace autodet
