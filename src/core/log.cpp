#include "core/log.h"

#include <iostream>
#include <mutex>
#include <unistd.h>

namespace autodet::log {
namespace {
Level g_level = Level::Info;
std::mutex g_mutex;
std::string g_status;  // the status line on the terminal, "" when none
const bool g_tty = ::isatty(2);
}  // namespace

void set_level(Level l) { g_level = l; }
Level level() { return g_level; }

void write(Level l, const std::string& message) {
  static const char* names[] = {"debug", "info", "warning", "error", ""};
  std::lock_guard<std::mutex> lock(g_mutex);
  if (!g_status.empty()) std::cerr << "\r\033[K";
  if (l == Level::Info)
    std::cerr << message << "\n";
  else
    std::cerr << names[int(l)] << ": " << message << "\n";
  if (!g_status.empty()) std::cerr << g_status << std::flush;
}

void status(const std::string& line) {
  if (!g_tty) return;
  std::lock_guard<std::mutex> lock(g_mutex);
  if (line.empty() && g_status.empty()) return;
  g_status = line;
  std::cerr << "\r\033[K" << line << std::flush;
}

std::ostream& out() { return std::cout; }

}  // namespace autodet::log
