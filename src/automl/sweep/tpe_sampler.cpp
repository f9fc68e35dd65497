#include "automl/sweep/tpe_sampler.h"

#include <algorithm>
#include <cmath>

#include "automl/sweep/parzen_estimator.h"

namespace autodet::sweep {
namespace {

// Trials (indices into the history) of one group, in history order.
using Group = std::vector<std::size_t>;

// Older trials weigh less once a group holds more than 25: a ramp from 1/n up to 1 for all but
// the newest 25, which weigh 1.
std::vector<double> recency_weights(std::size_t n) {
  const std::size_t flat = 25;
  std::vector<double> w(n, 1.0);
  if (n <= flat) return w;
  const std::size_t ramp = n - flat;
  for (std::size_t i = 0; i < ramp; ++i)
    w[i] = ramp == 1 ? 1.0 / double(n) : 1.0 / double(n) + (1.0 - 1.0 / double(n)) * double(i) / double(ramp - 1);
  return w;
}

// Good and bad trials: the best ceil(gamma * n) finished ones (at most max_good, at least one)
// against the other finished ones and, with the constant liar, the unfinished ones.
std::pair<Group, Group> split(const std::vector<Observation>& history, const TpeOptions& o) {
  Group finished, pending;
  for (std::size_t i = 0; i < history.size(); ++i) {
    const auto& y = history[i].objective;
    (y && std::isfinite(*y) ? finished : pending).push_back(i);
  }
  std::stable_sort(finished.begin(), finished.end(),
                   [&](std::size_t a, std::size_t b) { return *history[a].objective > *history[b].objective; });
  const std::size_t n_good =
      std::min(std::size_t(o.max_good), std::max<std::size_t>(1, std::size_t(std::ceil(o.gamma * double(finished.size())))));
  Group good(finished.begin(), finished.begin() + long(std::min(n_good, finished.size())));
  Group bad(finished.begin() + long(good.size()), finished.end());
  if (o.constant_liar) bad.insert(bad.end(), pending.begin(), pending.end());
  std::sort(good.begin(), good.end());
  std::sort(bad.begin(), bad.end());
  return {good, bad};
}

// The coordinates of one parameter over the trials of a group that come from sub-space s.
struct Column {
  std::vector<double> x;
  std::vector<double> w;
};

Column column(const std::vector<Observation>& history, const Group& group, std::size_t s, const SearchParam& p) {
  Column c;
  for (std::size_t i : group) {
    const TrialConfig& t = history[i].config;
    if (t.subspace != s || !t.values.contains(p.name)) continue;
    const double x = p.dist->to_internal(t.values[p.name]);
    if (!std::isnan(x)) c.x.push_back(x);
  }
  c.w = recency_weights(c.x.size());
  return c;
}

std::vector<std::size_t> as_indices(const std::vector<double>& x) {
  std::vector<std::size_t> k;
  for (double v : x) k.push_back(std::size_t(v));
  return k;
}

// The candidate among n drawn from l with the largest log l - log g (the first on ties).
template <typename Draw, typename Score>
auto best_candidate(int n, Draw draw, Score score) {
  auto best = draw();
  double best_score = score(best);
  for (int i = 1; i < n; ++i) {
    const auto c = draw();
    const double sc = score(c);
    if (sc > best_score) best = c, best_score = sc;
  }
  return best;
}

}  // namespace

TpeSampler::TpeSampler(SearchSpace space, std::uint64_t seed, TpeOptions options)
    : space_(std::move(space)), seed_(seed), options_(options) {
  if (space_.subspaces.empty()) throw UsageError("bayesian sampling needs a search_space with at least one sub-space");
  options_.n_ei_candidates = std::max(1, options_.n_ei_candidates);
}

std::optional<TrialConfig> TpeSampler::suggest(const std::vector<Observation>& history) const {
  Rng rng(stream_seed(seed_, history.size()));
  std::size_t finished = 0;
  for (const auto& h : history) finished += h.objective && std::isfinite(*h.objective);
  const std::size_t n_sub = space_.subspaces.size();
  if (finished < std::size_t(options_.n_startup_trials)) {
    const std::size_t s = std::size_t(rng.below(n_sub));
    return config_from_units(space_, s, [&] { return open_unit(rng); });
  }
  const auto [good, bad] = split(history, options_);
  const double prior = options_.prior_weight;

  std::size_t s = 0;
  if (n_sub > 1) {
    auto subspaces = [&](const Group& g) {
      std::vector<std::size_t> k;
      for (std::size_t i : g)
        if (history[i].config.subspace < n_sub) k.push_back(history[i].config.subspace);
      return k;
    };
    const auto kg = subspaces(good), kb = subspaces(bad);
    const CategoricalParzen l(kg, recency_weights(kg.size()), n_sub, prior);
    const CategoricalParzen g(kb, recency_weights(kb.size()), n_sub, prior);
    s = best_candidate(options_.n_ei_candidates, [&] { return l.sample(rng); },
                       [&](std::size_t k) { return l.log_pmf(k) - g.log_pmf(k); });
  }

  TrialConfig c;
  c.subspace = s;
  for (const SearchParam& p : space_.subspaces[s].params) {
    if (!p.dist) {
      c.values[p.name] = p.fixed;
      continue;
    }
    const Distribution& d = *p.dist;
    if (!p.varies() || (d.normal_law() && d.sigma == 0)) {
      c.values[p.name] = p.finish(d.from_internal(d.categorical() ? 0 : d.mu));
      continue;
    }
    const Column cg = column(history, good, s, p), cb = column(history, bad, s, p);
    double x;
    if (d.categorical()) {
      const CategoricalParzen l(as_indices(cg.x), cg.w, d.count(), prior);
      const CategoricalParzen g(as_indices(cb.x), cb.w, d.count(), prior);
      x = double(best_candidate(options_.n_ei_candidates, [&] { return l.sample(rng); },
                                [&](std::size_t k) { return l.log_pmf(k) - g.log_pmf(k); }));
    } else {
      const NumericParzen l(cg.x, cg.w, d, prior), g(cb.x, cb.w, d, prior);
      x = best_candidate(options_.n_ei_candidates, [&] { return l.sample(rng); },
                         [&](double v) { return l.log_pdf(v) - g.log_pdf(v); });
    }
    c.values[p.name] = p.finish(d.from_internal(x));
  }
  return c;
}

}  // namespace autodet::sweep
