#include "automl/sweep/gaussian.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace autodet::sweep {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
const double kSqrt2 = std::sqrt(2.0);
const double kLogSqrt2Pi = 0.5 * std::log(2.0 * M_PI);

// Acklam's rational approximation of the normal quantile (relative error below 1.2e-9);
// normal_quantile() polishes it with Halley steps on the exact CDF.
double quantile_guess(double p) {
  static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                             1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
  static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                             6.680131188771972e+01,  -1.328068155288572e+01};
  static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                             -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
  static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                             3.754408661907416e+00};
  const double low = 0.02425;
  if (p < low) {
    const double q = std::sqrt(-2 * std::log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
           ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - low) return -quantile_guess(1 - p);
  const double q = p - 0.5, r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
         (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

}  // namespace

double normal_cdf(double x) { return 0.5 * std::erfc(-x / kSqrt2); }

double normal_quantile(double p) {
  if (p <= 0) return -kInf;
  if (p >= 1) return kInf;
  if (p > 0.5) return -normal_quantile(1 - p);  // the lower tail keeps relative precision
  double x = quantile_guess(p);
  for (int i = 0; i < 2; ++i) {  // Halley's method on normal_cdf(x) - p
    const double e = normal_cdf(x) - p;
    const double u = e * std::exp(0.5 * x * x + kLogSqrt2Pi);
    x -= u / (1 + 0.5 * x * u);
  }
  return x;
}

double normal_log_pdf(double x, double mu, double sigma) {
  const double z = (x - mu) / sigma;
  return -0.5 * z * z - kLogSqrt2Pi - std::log(sigma);
}

double normal_log_mass(double mu, double sigma, double lo, double hi) {
  double a = (lo - mu) / sigma, b = (hi - mu) / sigma;
  if (a > 0) {  // both ends in the upper tail: mirror them into the lower one
    const double t = a;
    a = -b, b = -t;
  }
  const double mass = normal_cdf(b) - normal_cdf(a);
  return mass > 0 ? std::log(mass) : -kInf;
}

double truncated_normal_at(double u, double mu, double sigma, double lo, double hi) {
  double a = (lo - mu) / sigma, b = (hi - mu) / sigma;
  const bool mirrored = a > 0;
  if (mirrored) {
    const double t = a;
    a = -b, b = -t;
  }
  const double fa = normal_cdf(a), fb = normal_cdf(b);
  double z = normal_quantile(fa + u * (fb - fa));
  if (!std::isfinite(z)) z = std::isfinite(a) ? a : b;  // the interval is beyond double precision
  z = std::min(std::max(z, a), b);
  return mu + sigma * (mirrored ? -z : z);
}

}  // namespace autodet::sweep
