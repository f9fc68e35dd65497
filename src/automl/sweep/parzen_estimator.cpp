#include "automl/sweep/parzen_estimator.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "automl/sweep/gaussian.h"
#include "automl/sweep/sampler.h"

namespace autodet::sweep {
namespace {

// Index drawn with probability proportional to weights.
std::size_t pick(const std::vector<double>& weights, double u) {
  const double total = std::accumulate(weights.begin(), weights.end(), 0.0);
  double acc = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    acc += weights[i];
    if (u * total < acc) return i;
  }
  return weights.size() - 1;
}

}  // namespace

NumericParzen::NumericParzen(const std::vector<double>& xs, const std::vector<double>& weights,
                             const Distribution& law, double prior_weight)
    : lo_(law.internal_low()), hi_(law.internal_high()) {
  const bool bounded = std::isfinite(lo_) && std::isfinite(hi_);
  const double range = bounded ? hi_ - lo_ : 6 * law.sigma;
  const double prior_mu = bounded ? 0.5 * (lo_ + hi_) : law.mu;
  const double prior_sigma = bounded ? range : law.sigma;

  mus_ = xs;
  mus_.push_back(prior_mu);
  std::vector<double> w = weights;
  w.push_back(prior_weight);
  const std::size_t n = mus_.size();
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return mus_[a] < mus_[b]; });
  const double min_sigma = range / std::min(100.0, double(n));
  sigmas_.assign(n, range);
  for (std::size_t r = 0; r < n; ++r) {
    const double m = mus_[order[r]];
    double gap = 0;
    if (r > 0) gap = std::max(gap, m - mus_[order[r - 1]]);
    else if (bounded) gap = std::max(gap, m - lo_);
    if (r + 1 < n) gap = std::max(gap, mus_[order[r + 1]] - m);
    else if (bounded) gap = std::max(gap, hi_ - m);
    sigmas_[order[r]] = n == 1 ? range : std::min(std::max(gap, min_sigma), range);
  }
  sigmas_[n - 1] = prior_sigma;

  const double total = std::accumulate(w.begin(), w.end(), 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    log_weights_.push_back(std::log(w[i] / total));
    log_mass_.push_back(bounded ? normal_log_mass(mus_[i], sigmas_[i], lo_, hi_) : 0.0);
  }
}

double NumericParzen::sample(Rng& rng) const {
  std::vector<double> w(log_weights_.size());
  for (std::size_t i = 0; i < w.size(); ++i) w[i] = std::exp(log_weights_[i]);
  const std::size_t k = pick(w, rng.uniform());
  return truncated_normal_at(open_unit(rng), mus_[k], sigmas_[k], lo_, hi_);
}

double NumericParzen::log_pdf(double x) const {
  // log-sum-exp over the kernels
  std::vector<double> terms(mus_.size());
  for (std::size_t i = 0; i < mus_.size(); ++i)
    terms[i] = log_weights_[i] + normal_log_pdf(x, mus_[i], sigmas_[i]) - log_mass_[i];
  const double top = *std::max_element(terms.begin(), terms.end());
  if (!std::isfinite(top)) return top;
  double sum = 0;
  for (double t : terms) sum += std::exp(t - top);
  return top + std::log(sum);
}

CategoricalParzen::CategoricalParzen(const std::vector<std::size_t>& xs, const std::vector<double>& weights,
                                     std::size_t n, double prior_weight)
    : p_(n, prior_weight / double(n)) {
  for (std::size_t i = 0; i < xs.size(); ++i) p_.at(xs[i]) += weights[i];
  const double total = std::accumulate(p_.begin(), p_.end(), 0.0);
  for (double& p : p_) p /= total;
}

std::size_t CategoricalParzen::sample(Rng& rng) const { return pick(p_, rng.uniform()); }

double CategoricalParzen::log_pmf(std::size_t k) const { return std::log(p_.at(k)); }

}  // namespace autodet::sweep
