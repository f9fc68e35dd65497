#pragma once
// One sampling expression of a search space (R2.7): the ten laws Azure ML offers, their
// arguments, and the maps between a uniform draw, the value a trial gets, and the coordinates
// TPE models (the uniform or normal number before exp() and rounding).
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace autodet::sweep {

// The laws of R2.7. Log laws take natural logs as bounds and mean: loguniform(a, b) = exp(U(a, b)).
enum class DistKind { Choice, RandInt, Uniform, QUniform, LogUniform, QLogUniform, Normal, QNormal, LogNormal, QLogNormal };

// Names as the job writes them ("choice", "qloguniform", ...), in the order of DistKind.
const std::vector<std::string>& distribution_names();
const std::string& distribution_name(DistKind kind);

// A law with its arguments; which fields count depends on kind.
struct Distribution {
  DistKind kind = DistKind::Choice;
  std::vector<nlohmann::json> values;  // choice: the candidates
  double low = 0, high = 0;            // uniform laws: min_value, max_value; randint: 0, upper
  double mu = 0, sigma = 0;            // normal laws
  double q = 0;                        // q-laws: the step; 0 otherwise

  bool categorical() const { return kind == DistKind::Choice; }
  bool normal_law() const;  // normal, qnormal, lognormal, qlognormal: unbounded coordinates
  bool log_law() const;
  // Number of choices (choice) or integers (randint); 0 for the others.
  std::size_t count() const;

  // The value for a uniform u in (0, 1), by the inverse CDF (choice/randint: the floor(u*n)-th).
  nlohmann::json at_unit(double u) const;
  // TPE coordinates: choice -> index, randint -> the integer, log laws -> log(value), others -> value.
  // NaN when the value cannot come from this law; bounded laws are clamped into their interval.
  double to_internal(const nlohmann::json& value) const;
  nlohmann::json from_internal(double x) const;
  // Interval of the coordinates (infinite for normal laws); randint: [-0.5, upper - 0.5].
  double internal_low() const;
  double internal_high() const;
  // Smallest and largest number a trial can get (infinite for normal laws; choice: of its numbers).
  std::pair<double, double> value_range() const;
  std::string str() const;  // "uniform(0.0001, 0.01)", "choice('sgd', 'adam')"
};

}  // namespace autodet::sweep
