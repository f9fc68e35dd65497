#include "core/log.h"

#include <iostream>
#include <mutex>

namespace autodet::log {
namespace {
Level g_level = Level::Info;
std::mutex g_mutex;
}  // namespace

void set_level(Level l) { g_level = l; }
Level level() { return g_level; }

void write(Level l, const std::string& message) {
  static const char* names[] = {"debug", "info", "warning", "error", ""};
  std::lock_guard<std::mutex> lock(g_mutex);
  if (l == Level::Info)
    std::cerr << message << "\n";
  else
    std::cerr << names[int(l)] << ": " << message << "\n";
}

std::ostream& out() { return std::cout; }

}  // namespace autodet::log
