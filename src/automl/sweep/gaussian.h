#pragma once
// The normal distribution's functions the samplers need: CDF, quantile, log density and draws
// from a normal truncated to an interval (by the inverse CDF, so one uniform number per draw).
namespace autodet::sweep {

// P(Z <= x) for a standard normal Z.
double normal_cdf(double x);
// x with normal_cdf(x) = p, for p in (0, 1); -inf / +inf at 0 / 1.
double normal_quantile(double p);
// log of the N(mu, sigma) density at x (sigma > 0).
double normal_log_pdf(double x, double mu, double sigma);
// log P(lo <= X <= hi) for X ~ N(mu, sigma); infinite ends allowed; accurate far in the tails.
double normal_log_mass(double mu, double sigma, double lo, double hi);
// The draw of N(mu, sigma) restricted to [lo, hi] for a uniform u in (0, 1).
double truncated_normal_at(double u, double mu, double sigma, double lo, double hi);

}  // namespace autodet::sweep
