// Random (with and without the Sobol rule), grid and TPE sampling: determinism, bounds,
// quantisation, and grid's exact product.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>

#include "automl/sweep/grid_sampler.h"
#include "automl/sweep/random_sampler.h"
#include "automl/sweep/tpe_sampler.h"
#include "sweep_test_util.h"

namespace autodet::sweep {
namespace {

using testing::error_of;
using testing::has;
using testing::space_of;

// One sub-space with every law (each on a parameter whose range holds it).
const char* kAllLaws =
    "search_space:\n"
    "  - model_name: yolov5\n"
    "    optimizer: choice('sgd', 'adam', 'adamw')\n"
    "    warmup_cosine_lr_warmup_epochs: randint(4)\n"
    "    momentum: uniform(0.2, 0.6)\n"
    "    weight_decay: quniform(0, 0.5, 0.05)\n"
    "    learning_rate: loguniform(-9.21, -2.3)\n"
    "    training_batch_size: qloguniform(0, 4, 2)\n"
    "    beta1: normal(0.5, 0.1)\n"
    "    number_of_epochs: qnormal(20, 4, 5)\n"
    "    step_lr_gamma: lognormal(-2, 0.5)\n"
    "    validation_batch_size: qlognormal(2, 0.3, 3)\n";

// Proposals 0..n-1 of a sampler with every earlier one in the history (no objectives).
std::vector<TrialConfig> run(const Sampler& sampler, std::size_t n) {
  std::vector<Observation> history;
  std::vector<TrialConfig> out;
  for (std::size_t i = 0; i < n; ++i) {
    const auto c = sampler.suggest(history);
    if (!c) break;
    out.push_back(*c);
    history.push_back({*c, std::nullopt});
  }
  return out;
}

std::vector<double> column(const std::vector<TrialConfig>& trials, const std::string& name) {
  std::vector<double> v;
  for (const auto& t : trials) v.push_back(t.values.at(name).get<double>());
  return v;
}

double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s / double(v.size());
}

bool multiple_of(double v, double q) { return std::abs(v / q - std::round(v / q)) < 1e-9; }

TEST(SweepRandomSampler, SameSeedSameTrialsOtherSeedOthers) {
  const SearchSpace s = space_of(kAllLaws);
  const auto a = run(RandomSampler(s, 7), 20), b = run(RandomSampler(s, 7), 20), c = run(RandomSampler(s, 8), 20);
  ASSERT_EQ(a.size(), 20u);
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].values, b[i].values);
  EXPECT_NE(a[0].values, c[0].values);
  // Trial i depends only on the seed and i: a fresh sampler continues a history the same way.
  std::vector<Observation> history;
  for (std::size_t i = 0; i < 5; ++i) history.push_back({a[i], 0.5});
  EXPECT_EQ(RandomSampler(s, 7).suggest(history)->values, a[5].values);
}

TEST(SweepRandomSampler, DrawsFollowEachLaw) {
  const auto t = run(RandomSampler(space_of(kAllLaws), 3), 4000);
  std::map<std::string, int> optimizers;
  std::map<long long, int> warmups;
  for (const auto& c : t) {
    ++optimizers[c.values["optimizer"].get<std::string>()];
    ++warmups[c.values["warmup_cosine_lr_warmup_epochs"].get<long long>()];
    EXPECT_EQ(c.values["model_name"], "yolov5");
  }
  ASSERT_EQ(optimizers.size(), 3u);
  for (const auto& [name, n] : optimizers) EXPECT_NEAR(n, 4000 / 3.0, 120) << name;
  ASSERT_EQ(warmups.size(), 4u);  // randint(4): 0..3
  EXPECT_EQ(warmups.begin()->first, 0);
  EXPECT_EQ(warmups.rbegin()->first, 3);
  for (const auto& [v, n] : warmups) EXPECT_NEAR(n, 1000, 100) << v;

  const auto momentum = column(t, "momentum");
  for (double v : momentum) EXPECT_TRUE(v >= 0.2 && v <= 0.6) << v;
  EXPECT_NEAR(mean(momentum), 0.4, 0.01);
  for (double v : column(t, "weight_decay")) EXPECT_TRUE(multiple_of(v, 0.05) && v >= 0 && v <= 0.5) << v;
  std::vector<double> logs;
  for (double v : column(t, "learning_rate")) {
    EXPECT_TRUE(v >= std::exp(-9.21) && v <= std::exp(-2.3)) << v;
    logs.push_back(std::log(v));
  }
  EXPECT_NEAR(mean(logs), (-9.21 - 2.3) / 2, 0.1);  // uniform in log space
  for (double v : column(t, "training_batch_size")) EXPECT_TRUE(multiple_of(v, 2) && v >= 2 && v <= 54) << v;
  const auto beta1 = column(t, "beta1");
  EXPECT_NEAR(mean(beta1), 0.5, 0.01);
  double var = 0;
  for (double v : beta1) var += (v - 0.5) * (v - 0.5);
  EXPECT_NEAR(std::sqrt(var / double(beta1.size())), 0.1, 0.01);
  for (double v : column(t, "number_of_epochs")) EXPECT_TRUE(multiple_of(v, 5) && v >= 5) << v;
  std::vector<double> gamma_logs;
  for (double v : column(t, "step_lr_gamma")) gamma_logs.push_back(std::log(v));
  EXPECT_NEAR(mean(gamma_logs), -2, 0.03);
  for (double v : column(t, "validation_batch_size")) EXPECT_TRUE(multiple_of(v, 3) && v >= 1) << v;
}

TEST(SweepRandomSampler, PicksSubSpacesEvenly) {
  const SearchSpace s = space_of("search_space:\n  - model_name: yolov5\n    model_size: choice(small, medium)\n"
                                 "  - model_name: fasterrcnn_resnet50_fpn\n    min_size: choice(600, 800)\n");
  int second = 0;
  for (const auto& c : run(RandomSampler(s, 11), 1000)) {
    second += c.subspace == 1;
    EXPECT_EQ(c.values.contains("min_size"), c.subspace == 1);
    EXPECT_EQ(c.values["model_name"], c.subspace == 1 ? "fasterrcnn_resnet50_fpn" : "yolov5");
  }
  EXPECT_NEAR(second, 500, 60);
}

TEST(SweepSobolRule, FillsTheRangeMoreEvenlyThanIndependentDraws) {
  const SearchSpace s = space_of("search_space:\n  - momentum: uniform(0, 1)\n    beta1: uniform(0, 1)\n");
  const auto sobol = run(RandomSampler(s, 5, SamplingRule::Sobol), 64);
  EXPECT_EQ(run(RandomSampler(s, 5, SamplingRule::Sobol), 64)[63].values, sobol[63].values);
  // 64 shifted Sobol points put exactly one value in each 1/64 of each coordinate's range.
  for (const char* name : {"momentum", "beta1"}) {
    std::set<int> cells;
    for (double v : column(sobol, name)) cells.insert(int(v * 64));
    EXPECT_EQ(cells.size(), 64u) << name;
  }
  std::set<int> random_cells;
  for (double v : column(run(RandomSampler(s, 5), 64), "momentum")) random_cells.insert(int(v * 64));
  EXPECT_LT(random_cells.size(), 64u);  // independent draws collide (expected ~41 distinct cells)
}

TEST(SweepSobolRule, TooManyParametersIsAnError) {
  SearchSpace s;  // built by hand: 32 varying parameters in one sub-space
  s.subspaces.emplace_back();
  for (int i = 0; i < 32; ++i) {
    SearchParam p;
    p.name = "p" + std::to_string(i);
    p.dist = Distribution{DistKind::Uniform, {}, 0, 1};
    s.subspaces[0].params.push_back(p);
  }
  EXPECT_NO_THROW(RandomSampler(s, 1));
  const std::string e = error_of([&] { RandomSampler(s, 1, SamplingRule::Sobol); });
  EXPECT_TRUE(has(e, "the sobol rule handles up to 31 varying parameters per sub-space, this space has 32")) << e;
  s.subspaces[0].params.pop_back();
  EXPECT_EQ(run(RandomSampler(s, 1, SamplingRule::Sobol), 1)[0].values.size(), 31u);
}

TEST(SweepGridSampler, EnumeratesExactlyTheProductOfEachSubSpace) {
  const SearchSpace s = space_of(
      "search_space:\n"
      "  - model_name: yolov5\n    model_size: choice(small, medium, large)\n    learning_rate: choice(0.01, 0.001)\n"
      "  - model_name: fasterrcnn_resnet50_fpn\n    optimizer: {type: choice, values: [sgd, adam]}\n"
      "    min_size: choice(600, 800)\n    number_of_epochs: 10\n");
  const GridSampler grid(s);
  ASSERT_EQ(grid.size(), 3u * 2 + 2 * 2);
  const auto trials = run(grid, 100);
  ASSERT_EQ(trials.size(), 10u);  // then nothing more
  std::set<std::string> seen;
  for (const auto& t : trials) seen.insert(t.values.dump());
  EXPECT_EQ(seen.size(), 10u);
  for (const char* size : {"small", "medium", "large"})
    for (double lr : {0.01, 0.001}) {
      const nlohmann::json want = {{"model_name", "yolov5"}, {"model_size", size}, {"learning_rate", lr}};
      EXPECT_EQ(seen.count(want.dump()), 1u) << want.dump();
    }
  for (const char* opt : {"sgd", "adam"})
    for (int size : {600, 800}) {
      const nlohmann::json want = {{"model_name", "fasterrcnn_resnet50_fpn"}, {"optimizer", opt},
                                   {"min_size", size}, {"number_of_epochs", 10}};
      EXPECT_EQ(seen.count(want.dump()), 1u) << want.dump();
    }
  EXPECT_EQ(trials[0].subspace, 0u);
  EXPECT_EQ(trials[6].subspace, 1u);
  EXPECT_EQ(trials[0].values["model_size"], "small");  // last parameter by name changes fastest
  EXPECT_EQ(trials[1].values["model_size"], "medium");
}

TEST(SweepGridSampler, OnlyChoiceLaws) {
  const SearchSpace s = space_of("search_space:\n  - optimizer: choice(sgd, adam)\n    learning_rate: "
                                 "uniform(0.001, 0.01)\n");
  const std::string e = error_of([&] { GridSampler g(s); });
  EXPECT_TRUE(has(e, "job.yml:3: search_space[0].learning_rate: grid sampling takes only choice(...) and fixed "
                     "values, but learning_rate is uniform(0.001, 0.01)")) << e;
}

TEST(SweepTpeSampler, DeterministicForASeedAndHistory) {
  const SearchSpace s = space_of(kAllLaws);
  std::vector<Observation> history;
  const RandomSampler random(s, 1);
  for (int i = 0; i < 15; ++i) {
    const TrialConfig c = *random.suggest(history);
    history.push_back({c, c.values["momentum"].get<double>() - std::abs(c.values["beta1"].get<double>() - 0.5)});
  }
  history.push_back({*random.suggest(history), std::nullopt});  // one still running
  const TrialConfig a = *TpeSampler(s, 9).suggest(history), b = *TpeSampler(s, 9).suggest(history);
  EXPECT_EQ(a.values, b.values);
  EXPECT_NE(a.values, TpeSampler(s, 10).suggest(history)->values);
  // Values stay inside every law's range and step.
  for (int seed = 0; seed < 50; ++seed) {
    const TrialConfig c = *TpeSampler(s, std::uint64_t(seed)).suggest(history);
    const double m = c.values["momentum"].get<double>();
    EXPECT_TRUE(m >= 0.2 && m <= 0.6) << m;
    EXPECT_TRUE(multiple_of(c.values["weight_decay"].get<double>(), 0.05));
    EXPECT_TRUE(multiple_of(c.values["number_of_epochs"].get<double>(), 5));
    const auto w = c.values["warmup_cosine_lr_warmup_epochs"].get<long long>();
    EXPECT_TRUE(w >= 0 && w < 4) << w;
  }
}

TEST(SweepTpeSampler, StartsWithRandomTrials) {
  const SearchSpace s = space_of(kAllLaws);
  TpeOptions o;
  o.n_startup_trials = 5;
  std::vector<Observation> history;
  // Fewer finished trials than n_startup_trials: the same draws as random sampling with that seed.
  for (int i = 0; i < 5; ++i) {
    const TrialConfig c = *TpeSampler(s, 4, o).suggest(history);
    EXPECT_EQ(c.values, RandomSampler(s, 4).suggest(history)->values);
    history.push_back({c, 0.1 * i});
  }
}

}  // namespace
}  // namespace autodet::sweep
