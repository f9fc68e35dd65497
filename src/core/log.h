#pragma once
// Logging for every layer: messages go to stderr so stdout stays clean for results
// (tables, JSON). Library code never writes to stdout directly; results go through out().
#include <iosfwd>
#include <string>

#include <fmt/format.h>

namespace autodet::log {

enum class Level { Debug, Info, Warn, Error, Off };

void set_level(Level level);
Level level();
void write(Level level, const std::string& message);

template <typename... Args>
void debug(fmt::format_string<Args...> f, Args&&... args) {
  if (level() <= Level::Debug) write(Level::Debug, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void info(fmt::format_string<Args...> f, Args&&... args) {
  if (level() <= Level::Info) write(Level::Info, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void warn(fmt::format_string<Args...> f, Args&&... args) {
  if (level() <= Level::Warn) write(Level::Warn, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void error(fmt::format_string<Args...> f, Args&&... args) {
  if (level() <= Level::Error) write(Level::Error, fmt::format(f, std::forward<Args>(args)...));
}

// A one-line status kept at the bottom of a terminal (a sweep's progress): later messages are
// written above it. Shown only when stderr is a terminal; "" removes it.
void status(const std::string& line);

// The stream results are printed to (stdout); used by cli/ only.
std::ostream& out();

}  // namespace autodet::log
