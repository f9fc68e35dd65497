#include "automl/sweep/grid_sampler.h"

namespace autodet::sweep {

GridSampler::GridSampler(SearchSpace space) : space_(std::move(space)) {
  for (const SubSpace& s : space_.subspaces) {
    std::size_t n = 1;
    for (const SearchParam& p : s.params) {
      if (p.dist && !p.dist->categorical())
        throw UsageError(p.where, "grid sampling takes only choice(...) and fixed values, but " + p.name + " is " +
                                      p.dist->str() + "; list the values to try with choice, or use random or "
                                      "bayesian sampling");
      if (p.dist) n *= p.dist->values.size();
    }
    sizes_.push_back(n);
  }
}

std::size_t GridSampler::size() const {
  std::size_t total = 0;
  for (std::size_t n : sizes_) total += n;
  return total;
}

TrialConfig GridSampler::at(std::size_t index) const {
  std::size_t s = 0;
  while (index >= sizes_.at(s)) index -= sizes_[s++];
  TrialConfig c;
  c.subspace = s;
  const auto& params = space_.subspaces[s].params;
  for (auto p = params.rbegin(); p != params.rend(); ++p) {  // mixed radix, last parameter fastest
    if (!p->dist) {
      c.values[p->name] = p->fixed;
      continue;
    }
    const std::size_t n = p->dist->values.size();
    c.values[p->name] = p->finish(p->dist->values[index % n]);
    index /= n;
  }
  return c;
}

std::optional<TrialConfig> GridSampler::suggest(const std::vector<Observation>& history) const {
  if (history.size() >= size()) return std::nullopt;
  return at(history.size());
}

}  // namespace autodet::sweep
