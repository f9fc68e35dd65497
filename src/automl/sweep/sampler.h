#pragma once
// A sampler proposes the next trial's configuration from the search space and every trial so
// far. Samplers are deterministic: the proposal depends only on the seed and the history, so a
// sweep can be replayed or resumed.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "automl/sweep/sampling_settings.h"
#include "automl/sweep/search_space.h"
#include "automl/sweep/trial_config.h"
#include "core/rng.h"

namespace autodet::sweep {

// The common interface of random, grid and TPE sampling.
class Sampler {
 public:
  virtual ~Sampler() = default;
  // history: every trial proposed so far, in order, running ones without objective. Nothing once
  // the sampler has no new configuration (grid).
  virtual std::optional<TrialConfig> suggest(const std::vector<Observation>& history) const = 0;
};

// The sampler of `settings` over `space`; settings.seed, else default_seed. UsageError when the
// space does not suit the algorithm (grid with a non-choice law, sobol with over 31 parameters).
std::unique_ptr<Sampler> make_sampler(const SamplingSettings& settings, const SearchSpace& space,
                                      std::uint64_t default_seed);

// An independent seed for stream number `stream` of `seed` (SplitMix64 of both).
std::uint64_t stream_seed(std::uint64_t seed, std::uint64_t stream);

// Uniform in (0, 1), never 0: the inverse CDF of a normal law is finite at every draw.
double open_unit(Rng& rng);

// A configuration of sub-space `subspace` whose varying parameters take the laws' values at the
// uniform numbers next_unit() returns, one per varying parameter in the sub-space's order.
TrialConfig config_from_units(const SearchSpace& space, std::size_t subspace, const std::function<double()>& next_unit);

}  // namespace autodet::sweep
