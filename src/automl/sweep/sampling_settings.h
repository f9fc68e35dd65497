#pragma once
// How a sweep picks configurations (§2.3 `sweep.sampling_algorithm`), with the knobs of each
// algorithm that the job may set.
#include <cstdint>
#include <optional>

namespace autodet::sweep {

// random | grid | bayesian (R2.3); bayesian is TPE here.
enum class SamplingAlgorithm { Random, Grid, Bayesian };
// How random sampling spreads its draws: independent numbers, or a shifted Sobol sequence.
enum class SamplingRule { Random, Sobol };

// Knobs of the Tree-structured Parzen Estimator; the defaults follow common practice (Optuna's).
struct TpeOptions {
  int n_startup_trials = 10;   // finished trials drawn at random before the model is used
  int n_ei_candidates = 24;    // draws from l(x) per parameter; the one with the largest l/g wins
  double gamma = 0.1;          // share of finished trials that count as good...
  int max_good = 25;           // ...but at most this many
  double prior_weight = 1.0;   // weight of the broad prior kernel in each estimator
  bool constant_liar = true;   // running and failed trials count as bad, so concurrent trials spread out
};

// The sampling part of `sweep:`.
struct SamplingSettings {
  SamplingAlgorithm algorithm = SamplingAlgorithm::Random;
  std::optional<std::uint64_t> seed;  // unset: the caller's default seed
  SamplingRule rule = SamplingRule::Random;
  TpeOptions tpe;
};

}  // namespace autodet::sweep
