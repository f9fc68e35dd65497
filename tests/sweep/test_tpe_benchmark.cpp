// TPE against random search on a cheap noisy benchmark, and on a conditional space whose optimum
// lives in one sub-space.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "automl/sweep/random_sampler.h"
#include "automl/sweep/tpe_sampler.h"
#include "sweep_test_util.h"

namespace autodet::sweep {
namespace {

using testing::space_of;

// Hartmann's 4-D function (the first four coordinates of the 6-D constants), negated so that
// larger is better: a sum of four Gaussian bumps on [0, 1]^4, maximum about 3.73.
double hartmann4(const double x[4]) {
  static const double alpha[4] = {1.0, 1.2, 3.0, 3.2};
  static const double a[4][4] = {{10, 3, 17, 3.5}, {0.05, 10, 17, 0.1}, {3, 3.5, 1.7, 10}, {17, 8, 0.05, 10}};
  static const double p[4][4] = {{0.1312, 0.1696, 0.5569, 0.0124},
                                 {0.2329, 0.4135, 0.8307, 0.3736},
                                 {0.2348, 0.1451, 0.3522, 0.2883},
                                 {0.4047, 0.8828, 0.8732, 0.5743}};
  double sum = 0;
  for (int i = 0; i < 4; ++i) {
    double e = 0;
    for (int j = 0; j < 4; ++j) e += a[i][j] * (x[j] - p[i][j]) * (x[j] - p[i][j]);
    sum += alpha[i] * std::exp(-e);
  }
  return sum;
}

// The benchmark's coordinates come from four different laws: uniform, loguniform (log scale
// mapped back to [0, 1]), quniform and an 11-value choice.
const char* kSpace =
    "search_space:\n"
    "  - momentum: uniform(0, 1)\n"
    "    learning_rate: loguniform(-6, 0)\n"
    "    weight_decay: quniform(0, 1, 0.02)\n"
    "    beta1: choice(0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)\n";

double true_value(const TrialConfig& c) {
  const double x[4] = {c.values["momentum"].get<double>(), (std::log(c.values["learning_rate"].get<double>()) + 6) / 6,
                       c.values["weight_decay"].get<double>(), c.values["beta1"].get<double>()};
  return hartmann4(x);
}

// The best true value among n trials proposed by `sampler`, which sees noisy observations.
double best_after(const Sampler& sampler, int n, std::uint64_t noise_seed) {
  Rng noise(noise_seed);
  std::vector<Observation> history;
  double best = -1e9;
  for (int i = 0; i < n; ++i) {
    const TrialConfig c = *sampler.suggest(history);
    const double y = true_value(c);
    best = std::max(best, y);
    const double gauss = std::sqrt(-2 * std::log(open_unit(noise))) * std::cos(2 * M_PI * noise.uniform());
    history.push_back({c, y + 0.1 * gauss});
  }
  return best;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return 0.5 * (v[(v.size() - 1) / 2] + v[v.size() / 2]);
}

TEST(SweepTpeBenchmark, BeatsRandomSearchOnNoisyHartmann4) {
  const SearchSpace s = space_of(kSpace);
  std::vector<double> tpe, random;
  for (std::uint64_t rep = 0; rep < 20; ++rep) {
    tpe.push_back(best_after(TpeSampler(s, 1000 + rep), 40, rep));
    random.push_back(best_after(RandomSampler(s, 1000 + rep), 40, rep));
  }
  const double mt = median(tpe), mr = median(random);
  std::printf("[ median best after 40 trials over 20 seeds: TPE %.4f, random %.4f ]\n", mt, mr);
  EXPECT_GT(mt, mr);
}

TEST(SweepTpeBenchmark, ConcentratesOnTheSubSpaceHoldingTheOptimum) {
  const SearchSpace s = space_of(
      "search_space:\n"
      "  - model_name: yolov5\n    learning_rate: uniform(0, 1)\n    model_size: choice(small, medium, large)\n"
      "  - model_name: fasterrcnn_resnet50_fpn\n    learning_rate: uniform(0, 1)\n    momentum: uniform(0, 1)\n"
      "    optimizer: choice(sgd, adam, adamw)\n");
  // Sub-space 0 peaks at 0.5, sub-space 1 at 1.0 (learning_rate 0.7, momentum 0.3, adam).
  const auto objective = [](const TrialConfig& c) {
    const double lr = c.values["learning_rate"].get<double>();
    if (c.subspace == 0) return 0.5 - (lr - 0.2) * (lr - 0.2) - (c.values["model_size"] == "large" ? 0 : 0.05);
    const double m = c.values["momentum"].get<double>();
    return 1.0 - (lr - 0.7) * (lr - 0.7) - (m - 0.3) * (m - 0.3) - (c.values["optimizer"] == "adam" ? 0 : 0.1);
  };
  int tpe_in_best = 0, random_in_best = 0, tpe_total = 0;
  double tpe_best = 0;
  for (std::uint64_t rep = 0; rep < 5; ++rep) {
    const TpeSampler tpe(s, rep);
    const RandomSampler random(s, rep);
    std::vector<Observation> ht, hr;
    for (int i = 0; i < 40; ++i) {
      const TrialConfig a = *tpe.suggest(ht), b = *random.suggest(hr);
      ht.push_back({a, objective(a)});
      hr.push_back({b, objective(b)});
      if (i < 10) continue;  // after the random start-up trials
      ++tpe_total;
      tpe_in_best += a.subspace == 1;
      random_in_best += b.subspace == 1;
      tpe_best = std::max(tpe_best, objective(a));
    }
  }
  std::printf("[ trials 11-40 in the better sub-space: TPE %d / %d, random %d / %d ]\n", tpe_in_best, tpe_total,
              random_in_best, tpe_total);
  EXPECT_GT(tpe_in_best, 0.8 * tpe_total);
  EXPECT_GT(tpe_in_best, random_in_best);
  EXPECT_GT(tpe_best, 0.97);
}

}  // namespace
}  // namespace autodet::sweep
