// The numeric pieces under the samplers: normal CDF and quantile, truncated draws, the Sobol
// sequence, and the maps of each law between draws, values and TPE coordinates.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "automl/sweep/distribution.h"
#include "automl/sweep/gaussian.h"
#include "automl/sweep/parzen_estimator.h"
#include "automl/sweep/sobol.h"
#include "core/rng.h"

namespace autodet::sweep {
namespace {

TEST(SweepGaussian, QuantileInvertsTheCdfIntoTheTails) {
  EXPECT_NEAR(normal_cdf(0), 0.5, 1e-15);
  EXPECT_NEAR(normal_cdf(1.959963984540054), 0.975, 1e-12);
  EXPECT_NEAR(normal_quantile(0.975), 1.959963984540054, 1e-9);
  EXPECT_NEAR(normal_quantile(0.5), 0, 1e-12);
  for (double p : {1e-300, 1e-12, 1e-5, 0.01, 0.02425, 0.3, 0.7, 0.99, 1 - 1e-12}) {
    const double x = normal_quantile(p);
    EXPECT_NEAR(normal_cdf(x) / p, 1, 1e-9) << p;
  }
  EXPECT_TRUE(std::isinf(normal_quantile(0)));
}

TEST(SweepGaussian, TruncatedDrawsStayInsideEvenFarInTheTail) {
  Rng rng(3);
  for (int i = 0; i < 1000; ++i) {
    const double u = (double(i) + 0.5) / 1000;
    const double x = truncated_normal_at(u, 0, 1, -0.5, 2);
    EXPECT_TRUE(x >= -0.5 && x <= 2) << x;
    const double far = truncated_normal_at(u, 0, 1, 12, 13);  // mass ~1e-33: drawn in the mirrored tail
    EXPECT_TRUE(far >= 12 && far <= 13) << far;
  }
  EXPECT_NEAR(truncated_normal_at(0.5, 0, 1, -1, 1), 0, 1e-12);
  EXPECT_NEAR(std::exp(normal_log_mass(0, 1, -1.959963984540054, 1.959963984540054)), 0.95, 1e-12);
  EXPECT_NEAR(normal_log_mass(0, 1, 12, 13), std::log(normal_cdf(-12) - normal_cdf(-13)), 1e-9);
}

TEST(SweepSobol, KnownPointsAndOnePointPerCell) {
  const Sobol plain(3);
  const double eps = 1e-9;
  EXPECT_NEAR(plain.point(1)[0], 0.5, eps);
  EXPECT_NEAR(plain.point(2)[0], 0.75, eps);
  EXPECT_NEAR(plain.point(2)[1], 0.25, eps);
  EXPECT_NEAR(plain.point(3)[0], 0.25, eps);
  EXPECT_NEAR(plain.point(3)[1], 0.75, eps);
  EXPECT_NEAR(plain.point(3)[2], 0.75, eps);  // x^2+x+1, m = 1, 3
  EXPECT_NEAR(plain.point(4)[0], 0.375, eps);
  EXPECT_NEAR(plain.point(4)[1], 0.375, eps);
  EXPECT_NEAR(plain.point(4)[2], 0.625, eps);
  // Each coordinate of the first 2^k points (shifted or not) has one point in each 1/2^k cell,
  // in all 32 dimensions; pairs of the first dimensions fill 2-D cells evenly too.
  for (const Sobol& s : {Sobol(32), Sobol(32, 99)}) {
    std::vector<std::set<int>> cells(32);
    std::set<int> pairs;
    for (std::uint32_t i = 0; i < 256; ++i) {
      const auto p = s.point(i);
      for (int d = 0; d < 32; ++d) cells[std::size_t(d)].insert(int(p[std::size_t(d)] * 256));
      pairs.insert(int(p[0] * 16) * 16 + int(p[1] * 16));
    }
    for (int d = 0; d < 32; ++d) EXPECT_EQ(cells[std::size_t(d)].size(), 256u) << d;
    EXPECT_EQ(pairs.size(), 256u);
  }
  EXPECT_NE(Sobol(2, 1).point(5), Sobol(2, 2).point(5));
  EXPECT_THROW(Sobol(33), std::invalid_argument);
}

TEST(SweepDistribution, UnitDrawsValuesAndCoordinates) {
  Distribution u{DistKind::Uniform, {}, 2, 4};
  EXPECT_DOUBLE_EQ(u.at_unit(0.25).get<double>(), 2.5);
  EXPECT_DOUBLE_EQ(u.to_internal(3.0), 3);
  EXPECT_DOUBLE_EQ(u.to_internal(9.0), 4);  // clamped into the interval
  Distribution lu{DistKind::LogUniform, {}, std::log(1e-4), std::log(1e-2)};
  EXPECT_NEAR(lu.at_unit(0.5).get<double>(), 1e-3, 1e-12);
  EXPECT_NEAR(lu.to_internal(1e-3), std::log(1e-3), 1e-12);
  Distribution qu{DistKind::QUniform, {}, 0, 1, 0, 0, 0.1};
  EXPECT_EQ(qu.at_unit(0.34).get<double>(), 0.3);  // round(0.34 / 0.1) * 0.1, without binary noise
  Distribution ri{DistKind::RandInt, {}, 0, 3};
  EXPECT_EQ(ri.at_unit(0.0), 0);
  EXPECT_EQ(ri.at_unit(0.999), 2);
  EXPECT_EQ(ri.internal_high(), 2.5);
  Distribution ch{DistKind::Choice, {"a", "b", "c"}};
  EXPECT_EQ(ch.at_unit(0.5), "b");
  EXPECT_EQ(ch.to_internal("c"), 2);
  EXPECT_TRUE(std::isnan(ch.to_internal("z")));
  EXPECT_EQ(ch.str(), "choice('a', 'b', 'c')");
  Distribution n{DistKind::Normal, {}, 0, 0, 1, 2};
  EXPECT_NEAR(n.at_unit(0.975).get<double>(), 1 + 2 * 1.959963984540054, 1e-8);
  EXPECT_TRUE(std::isinf(n.internal_low()));
  Distribution qln{DistKind::QLogNormal, {}, 0, 0, 0, 1, 2};
  EXPECT_EQ(qln.at_unit(0.01), 0.0);  // exp(-2.33) < q / 2 rounds to 0...
  EXPECT_LT(qln.to_internal(0.0), std::log(1.0));  // ...and 0 maps below log(q / 2)
  EXPECT_EQ(qln.str(), "qlognormal(0, 1, 2)");
  EXPECT_EQ(qln.value_range().first, 0);
}

TEST(SweepParzen, DensitiesIntegrateToOneAndFollowTheData) {
  const Distribution law{DistKind::Uniform, {}, 0, 1};
  const NumericParzen p({0.2, 0.25, 0.3}, {1, 1, 1}, law, 1.0);
  double integral = 0;
  for (int i = 0; i < 10000; ++i) integral += std::exp(p.log_pdf((i + 0.5) / 10000)) / 10000;
  EXPECT_NEAR(integral, 1, 1e-3);
  EXPECT_GT(p.log_pdf(0.25), p.log_pdf(0.8));
  Rng rng(1);
  int near = 0;
  for (int i = 0; i < 1000; ++i) {
    const double x = p.sample(rng);
    EXPECT_TRUE(x >= 0 && x <= 1);
    near += std::abs(x - 0.25) < 0.15;
  }
  EXPECT_GT(near, 400);  // uniform draws: about 300
  const CategoricalParzen c({0, 0, 2}, {1, 1, 1}, 3, 1.0);
  EXPECT_NEAR(std::exp(c.log_pmf(0)) + std::exp(c.log_pmf(1)) + std::exp(c.log_pmf(2)), 1, 1e-12);
  EXPECT_NEAR(std::exp(c.log_pmf(0)), (2 + 1.0 / 3) / 4, 1e-12);
}

}  // namespace
}  // namespace autodet::sweep
