#include "automl/sweep/sampler.h"

#include "automl/sweep/grid_sampler.h"
#include "automl/sweep/random_sampler.h"
#include "automl/sweep/tpe_sampler.h"

namespace autodet::sweep {

std::uint64_t stream_seed(std::uint64_t seed, std::uint64_t stream) {
  std::uint64_t z = seed + 0x9E3779B97F4A7C15ull * (stream + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

double open_unit(Rng& rng) { return (double(rng.next() >> 11) + 0.5) * (1.0 / 9007199254740992.0); }

TrialConfig config_from_units(const SearchSpace& space, std::size_t subspace, const std::function<double()>& next_unit) {
  TrialConfig c;
  c.subspace = subspace;
  for (const SearchParam& p : space.subspaces.at(subspace).params) {
    if (!p.dist) c.values[p.name] = p.fixed;
    else if (!p.varies()) c.values[p.name] = p.dist->values.front();
    else c.values[p.name] = p.finish(p.dist->at_unit(next_unit()));
  }
  return c;
}

std::unique_ptr<Sampler> make_sampler(const SamplingSettings& settings, const SearchSpace& space,
                                      std::uint64_t default_seed) {
  const std::uint64_t seed = settings.seed.value_or(default_seed);
  switch (settings.algorithm) {
    case SamplingAlgorithm::Grid: return std::make_unique<GridSampler>(space);
    case SamplingAlgorithm::Bayesian: return std::make_unique<TpeSampler>(space, seed, settings.tpe);
    case SamplingAlgorithm::Random: break;
  }
  return std::make_unique<RandomSampler>(space, seed, settings.rule);
}

}  // namespace autodet::sweep
