#include "core/job_progress.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/log.h"

namespace autodet {
namespace {

std::string minutes_text(double m) {
  const long s = long(m * 60 + 0.5);
  return s >= 3600 ? fmt::format("{}h{:02d}m", s / 3600, (s / 60) % 60) : fmt::format("{}m{:02d}s", s / 60, s % 60);
}

}  // namespace

std::optional<double> job_eta_minutes(const JobProgressCounts& c) {
  std::optional<double> eta;
  if (c.done > 0 && c.elapsed_minutes > 0) eta = double(std::max(0, c.total - c.done)) * c.elapsed_minutes / double(c.done);
  if (c.timeout_minutes) {
    const double left = std::max(0.0, *c.timeout_minutes - c.elapsed_minutes);
    eta = eta ? std::min(*eta, left) : left;
  }
  return eta;
}

std::string job_progress_line(const JobProgressCounts& c, const std::string& unit) {
  const int left = std::max(0, c.total - c.done - c.running);
  std::string line = fmt::format("{} {}/{} done, {} running, {} left", unit, c.done, c.total, c.running, left);
  line += c.best ? fmt::format(" | best {} {:.5f}", c.metric, *c.best) : " | no result yet";
  line += " | " + minutes_text(c.elapsed_minutes) + " elapsed";
  const auto eta = job_eta_minutes(c);
  line += eta ? ", ETA " + minutes_text(*eta) : ", ETA ?";
  return line;
}

JobProgress::~JobProgress() { log::status(""); }

void JobProgress::show(const JobProgressCounts& c) {
  const auto now = std::chrono::steady_clock::now();
  const bool changed = c.done != last_done_ || c.running != last_running_;
  if (!changed && now - last_ < std::chrono::seconds(1)) return;
  last_ = now;
  last_done_ = c.done;
  last_running_ = c.running;
  log::status(job_progress_line(c, unit_));
}

}  // namespace autodet
