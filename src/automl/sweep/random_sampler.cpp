#include "automl/sweep/random_sampler.h"

#include <algorithm>

#include "core/rng.h"

namespace autodet::sweep {
namespace {

std::size_t varying(const SubSpace& s) {
  return std::size_t(std::count_if(s.params.begin(), s.params.end(), [](const SearchParam& p) { return p.varies(); }));
}

}  // namespace

RandomSampler::RandomSampler(SearchSpace space, std::uint64_t seed, SamplingRule rule)
    : space_(std::move(space)), seed_(seed) {
  if (space_.subspaces.empty()) throw UsageError("random sampling needs a search_space with at least one sub-space");
  if (rule != SamplingRule::Sobol) return;
  std::size_t dims = 0;
  for (const auto& s : space_.subspaces) dims = std::max(dims, varying(s));
  if (dims + 1 > std::size_t(Sobol::kMaxDims))
    throw UsageError(space_.subspaces.front().where,
                     "the sobol rule handles up to " + std::to_string(Sobol::kMaxDims - 1) +
                         " varying parameters per sub-space, this space has " + std::to_string(dims) +
                         "; use rule: random");
  sobol_ = std::make_unique<Sobol>(int(dims + 1), stream_seed(seed, ~0ull));
}

std::optional<TrialConfig> RandomSampler::suggest(const std::vector<Observation>& history) const {
  const std::size_t n = space_.subspaces.size();
  if (sobol_) {  // coordinate 0 picks the sub-space, the others feed its parameters in order
    const std::vector<double> u = sobol_->point(std::uint32_t(history.size()));
    const std::size_t s = std::min(n - 1, std::size_t(u[0] * double(n)));
    std::size_t next = 1;
    return config_from_units(space_, s, [&] { return u[next++]; });
  }
  Rng rng(stream_seed(seed_, history.size()));
  const std::size_t s = std::size_t(rng.below(n));
  return config_from_units(space_, s, [&] { return open_unit(rng); });
}

}  // namespace autodet::sweep
