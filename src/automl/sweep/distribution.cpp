#include "automl/sweep/distribution.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

#include "automl/sweep/gaussian.h"
#include "core/value_words.h"

namespace autodet::sweep {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// round(v / q) * q without the binary noise of the product (0.30000000000000004 -> 0.3).
double quantize(double v, double q) {
  const double steps = std::round(v / q);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.12g", steps * q);
  const double tidy = std::strtod(buf, nullptr);
  return tidy == 0 ? 0.0 : tidy;  // no "-0"
}

std::string arg(double v) { return number_text(v); }

}  // namespace

const std::vector<std::string>& distribution_names() {
  static const std::vector<std::string> names = {"choice",      "randint", "uniform", "quniform",  "loguniform",
                                                 "qloguniform", "normal",  "qnormal", "lognormal", "qlognormal"};
  return names;
}

const std::string& distribution_name(DistKind kind) { return distribution_names()[std::size_t(kind)]; }

bool Distribution::normal_law() const {
  return kind == DistKind::Normal || kind == DistKind::QNormal || kind == DistKind::LogNormal ||
         kind == DistKind::QLogNormal;
}

bool Distribution::log_law() const {
  return kind == DistKind::LogUniform || kind == DistKind::QLogUniform || kind == DistKind::LogNormal ||
         kind == DistKind::QLogNormal;
}

std::size_t Distribution::count() const {
  if (kind == DistKind::Choice) return values.size();
  if (kind == DistKind::RandInt) return std::size_t(high);
  return 0;
}

double Distribution::internal_low() const {
  if (normal_law()) return -kInf;
  return kind == DistKind::RandInt || kind == DistKind::Choice ? -0.5 : low;
}

double Distribution::internal_high() const {
  if (normal_law()) return kInf;
  return kind == DistKind::RandInt || kind == DistKind::Choice ? double(count()) - 0.5 : high;
}

nlohmann::json Distribution::at_unit(double u) const {
  u = std::min(std::max(u, 0.0), std::nextafter(1.0, 0.0));
  if (kind == DistKind::Choice || kind == DistKind::RandInt) return from_internal(std::floor(u * double(count())));
  if (normal_law()) return from_internal(mu + sigma * normal_quantile(u));
  return from_internal(low + u * (high - low));
}

nlohmann::json Distribution::from_internal(double x) const {
  if (kind == DistKind::Choice || kind == DistKind::RandInt) {
    const double last = double(count()) - 1;
    const auto i = static_cast<long long>(std::min(std::max(std::round(x), 0.0), last));
    return kind == DistKind::Choice ? values[std::size_t(i)] : nlohmann::json(i);
  }
  const double v = log_law() ? std::exp(x) : x;
  return q > 0 ? quantize(v, q) : v;
}

double Distribution::to_internal(const nlohmann::json& value) const {
  if (kind == DistKind::Choice) {
    for (std::size_t i = 0; i < values.size(); ++i)
      if (values[i] == value) return double(i);
    return NAN;
  }
  if (!value.is_number()) return NAN;
  double v = value.get<double>();
  if (log_law()) {
    // A q-log law rounds values below q/2 to 0: place those below log(q/2).
    if (v <= 0) v = q > 0 ? std::log(q / 4) : (normal_law() ? NAN : internal_low());
    else v = std::log(v);
  }
  if (std::isnan(v)) return NAN;
  return std::min(std::max(v, internal_low()), internal_high());
}

std::pair<double, double> Distribution::value_range() const {
  if (kind == DistKind::Choice) {
    double lo = kInf, hi = -kInf;
    for (const auto& v : values)
      if (v.is_number()) lo = std::min(lo, v.get<double>()), hi = std::max(hi, v.get<double>());
    return {lo, hi};
  }
  if (kind == DistKind::RandInt) return {0, high - 1};
  if (normal_law()) return {log_law() ? 0 : -kInf, kInf};
  return {from_internal(low).get<double>(), from_internal(high).get<double>()};
}

std::string Distribution::str() const {
  const std::string name = distribution_name(kind);
  if (kind == DistKind::Choice) {
    std::string s;
    for (const auto& v : values) s += (s.empty() ? "" : ", ") + (v.is_string() ? "'" + v.get<std::string>() + "'" : v.dump());
    return name + "(" + s + ")";
  }
  if (kind == DistKind::RandInt) return name + "(" + arg(high) + ")";
  std::string s = normal_law() ? arg(mu) + ", " + arg(sigma) : arg(low) + ", " + arg(high);
  if (q > 0) s += ", " + arg(q);
  return name + "(" + s + ")";
}

}  // namespace autodet::sweep
