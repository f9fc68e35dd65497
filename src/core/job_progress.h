#pragma once
// The one progress line of a job made of several runs (a sweep's trials) in a terminal: runs
// done, running and left, the best value so far, and the job's ETA. Log messages are written
// above it (log::status).
#include <chrono>
#include <optional>
#include <string>

namespace autodet {

// Where a job stands.
struct JobProgressCounts {
  int done = 0;      // finished (any final status)
  int running = 0;
  int total = 0;     // at most this many runs (max_trials)
  std::optional<double> best;
  std::string metric;  // what best measures
  double elapsed_minutes = 0;
  std::optional<double> timeout_minutes;
};

// Minutes until the job ends at the pace of the runs done so far (total - done runs at done per
// elapsed minute), no later than its timeout; nullopt before the first run finishes unless a
// timeout bounds it.
std::optional<double> job_eta_minutes(const JobProgressCounts& c);

// "trials 3/10 done, 2 running, 5 left | best mean_average_precision 0.41230 | 12m04s elapsed, ETA 20m10s"
std::string job_progress_line(const JobProgressCounts& c, const std::string& unit = "trials");

// Shows the line through log::status at most once a second (and at once when the counts change);
// removes it when destroyed.
class JobProgress {
 public:
  explicit JobProgress(std::string unit = "trials") : unit_(std::move(unit)) {}
  ~JobProgress();
  JobProgress(const JobProgress&) = delete;
  JobProgress& operator=(const JobProgress&) = delete;
  void show(const JobProgressCounts& counts);

 private:
  std::string unit_;
  std::chrono::steady_clock::time_point last_{};
  int last_done_ = -1, last_running_ = -1;
};

}  // namespace autodet
