#pragma once
// Where a sweep's trials come from: the sampler of a manual sweep, or AutoMode's portfolio and
// refinement. A source proposes one trial at a time from what the earlier trials did, so the
// scheduler can stop at any point and, after a resume, continue the same sequence.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "automl/job_spec.h"
#include "automl/sweep/trial_config.h"

namespace autodet {

// One earlier trial of the job, as the run store has it.
struct PastTrial {
  std::string id;  // the run store's trial id ("" in a dry run's simulation)
  sweep::TrialConfig config;
  nlohmann::json meta = nlohmann::json::object();  // the trial's stored config: source, estimates, ...
  std::optional<double> objective;  // best primary metric; none while queued/running, or failed
  int best_epoch = -1;              // 0-based epoch of the objective (-1 without one)
  bool finished = false;
  double minutes = 0;               // run time, when finished
  double mean_epoch_seconds = 0;    // mean of its epochs' wall times (0 without epochs)
};

// The source AutoMode's refit is recorded with (docs/automode.md, section 4).
inline constexpr char kRefitSource[] = "refit";

// Whether a trial's stored config (PastTrial::meta, the run store's TrialRecord::config) is
// AutoMode's refit.
inline bool is_refit(const nlohmann::json& stored) {
  return stored.is_object() && stored.value("source", "") == kRefitSource;
}

// A trial to run.
struct Proposal {
  sweep::TrialConfig config;
  std::string source;                      // "random", "grid", "bayesian", "portfolio", "refine"
  int portfolio_index = -1;                // AutoMode's portfolio entry
  std::optional<double> estimated_minutes;  // training time, when it can be estimated
  double estimated_epoch_seconds = 0;       // 0 when unknown
  double cost_correction = 1;               // the cost model's correction the estimate was made with
  std::string refit_of;                     // AutoMode's refit: the trial whose configuration it retrains

  // What the run store keeps of it (TrialRecord::config).
  nlohmann::json to_json() const;
};

// Proposes trials.
class TrialSource {
 public:
  virtual ~TrialSource() = default;
  // The next trial given every trial so far (in order), or nothing now: the space is exhausted,
  // nothing fits in remaining_minutes, or the source waits for results. A job's first trial (no
  // past) is proposed even when it does not fit: the job then trains one model, stopped at the
  // deadline with its best epoch kept, rather than none.
  virtual std::optional<Proposal> next(const std::vector<PastTrial>& past, std::optional<double> remaining_minutes) = 0;
  // Whether a proposal that does not fit the remaining time ends the sweep (sequential samplers),
  // rather than being skipped by the source itself.
  virtual bool stops_when_over_budget() const { return true; }
};

class CostModel;

// The sampler of a manual sweep (spec.sweep over spec.search_space, seeded with the job's seed).
// With a cost model each trial's time is estimated from its own parameters (and corrected by the
// finished trials' actual epoch times); without one, from the finished trials' mean.
std::unique_ptr<TrialSource> make_manual_sweep_source(const JobSpec& spec, const CostModel* cost = nullptr);

// The sampler's history from the past trials: configurations in order, objectives of finished ones.
std::vector<sweep::Observation> sampler_history(const std::vector<PastTrial>& past);

}  // namespace autodet
