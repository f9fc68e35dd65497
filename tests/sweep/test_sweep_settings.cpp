// `sweep:` read into sampling and early-termination settings, and the limits as decisions.
#include <gtest/gtest.h>

#include <yaml-cpp/yaml.h>

#include "automl/sweep/sweep_budget.h"
#include "automl/sweep/sweep_settings.h"
#include "sweep_test_util.h"

namespace autodet::sweep {
namespace {

using testing::error_of;
using testing::has;

SweepSettings sweep_of(const std::string& yaml) { return parse_sweep(YAML::Load(yaml)["sweep"], "job.yml"); }
std::string sweep_error(const std::string& yaml) {
  return error_of([&] { sweep_of(yaml); });
}

TEST(SweepSettingsParse, TheSampleSweep) {
  const SweepSettings s = sweep_of(
      "sweep:\n  sampling_algorithm: random\n  early_termination:\n    type: bandit\n    evaluation_interval: 2\n"
      "    slack_factor: 0.2\n    delay_evaluation: 6\n");
  EXPECT_EQ(s.sampling.algorithm, SamplingAlgorithm::Random);
  EXPECT_FALSE(s.sampling.seed);
  ASSERT_TRUE(s.early_termination);
  EXPECT_EQ(s.early_termination->type, PolicyType::Bandit);
  EXPECT_EQ(s.early_termination->evaluation_interval, 2);
  EXPECT_EQ(s.early_termination->delay_evaluation, 6);
  EXPECT_EQ(*s.early_termination->slack_factor, 0.2);
  EXPECT_FALSE(s.early_termination->slack_amount);
}

TEST(SweepSettingsParse, AlgorithmsInAnyCaseAndTheMappingForm) {
  EXPECT_EQ(sweep_of("sweep: {sampling_algorithm: Grid}").sampling.algorithm, SamplingAlgorithm::Grid);
  EXPECT_EQ(sweep_of("sweep: {sampling_algorithm: BAYESIAN}").sampling.algorithm, SamplingAlgorithm::Bayesian);
  const SweepSettings r = sweep_of("sweep: {sampling_algorithm: {type: random, seed: 42, rule: sobol}}");
  EXPECT_EQ(*r.sampling.seed, 42u);
  EXPECT_EQ(r.sampling.rule, SamplingRule::Sobol);
  const SweepSettings b =
      sweep_of("sweep: {sampling_algorithm: {type: bayesian, n_startup_trials: 5, n_ei_candidates: 48}}");
  EXPECT_EQ(b.sampling.tpe.n_startup_trials, 5);
  EXPECT_EQ(b.sampling.tpe.n_ei_candidates, 48);
  EXPECT_FALSE(sweep_of("sweep: {sampling_algorithm: grid, early_termination: null}").early_termination);
}

TEST(SweepSettingsParse, SamplingErrors) {
  std::string e = sweep_error("sweep:\n  sampling_algorithm: hyperband\n");
  EXPECT_TRUE(has(e, "job.yml:2: sweep.sampling_algorithm: 'hyperband' is not allowed for sweep.sampling_algorithm; "
                     "expected one of: random, grid, bayesian")) << e;
  e = sweep_error("sweep:\n  early_termination: {type: bandit, slack_factor: 0.1}\n");
  EXPECT_TRUE(has(e, "sampling_algorithm is missing")) << e;
  e = sweep_error("sweep:\n  sampling_algorithm: {type: grid, rule: sobol}\n");
  EXPECT_TRUE(has(e, "sweep.sampling_algorithm.rule: unknown key 'rule'")) << e;
  e = sweep_error("sweep:\n  sampling_algorithm: {type: random, rule: halton}\n");
  EXPECT_TRUE(has(e, "'halton' is not allowed for sweep.sampling_algorithm.rule")) << e;
  e = sweep_error("sweep:\n  sampling_algorithm: random\n  max_trials: 4\n");
  EXPECT_TRUE(has(e, "job.yml:3: sweep.max_trials: unknown key 'max_trials'")) << e;
}

TEST(SweepSettingsParse, EveryPolicyType) {
  const auto policy = [](const std::string& body) {
    return *sweep_of("sweep:\n  sampling_algorithm: random\n  early_termination: " + body + "\n").early_termination;
  };
  const PolicySettings b = policy("{type: Bandit, slack_amount: 0.05}");
  EXPECT_EQ(*b.slack_amount, 0.05);
  EXPECT_EQ(b.evaluation_interval, 1);  // R2.5: default 1
  EXPECT_EQ(b.delay_evaluation, 0);
  const PolicySettings m = policy("{type: MedianStopping, evaluation_interval: 3, delay_evaluation: 2}");
  EXPECT_EQ(m.type, PolicyType::MedianStopping);
  EXPECT_EQ(m.evaluation_interval, 3);
  const PolicySettings t = policy("{type: truncation_selection, truncation_percentage: 20, exclude_finished_jobs: yes}");
  EXPECT_EQ(t.truncation_percentage, 20);
  EXPECT_TRUE(t.exclude_finished_jobs);
  const PolicySettings a = policy("{type: asha, reduction_factor: 4, min_resource: 2}");
  EXPECT_EQ(a.type, PolicyType::Asha);
  EXPECT_EQ(a.reduction_factor, 4);
  EXPECT_EQ(a.min_resource, 2);
  EXPECT_EQ(policy("{type: asha}").reduction_factor, 3);
}

TEST(SweepSettingsParse, PolicyErrors) {
  const auto error = [](const std::string& body) {
    return sweep_error("sweep:\n  sampling_algorithm: random\n  early_termination:\n" + body);
  };
  std::string e = error("    type: bandit\n    slack_factor: 0.1\n    slack_amount: 0.1\n");
  EXPECT_TRUE(has(e, "job.yml:4: sweep.early_termination: a bandit policy needs exactly one of slack_factor")) << e;
  e = error("    type: bandit\n");
  EXPECT_TRUE(has(e, "needs exactly one of slack_factor")) << e;
  e = error("    type: bandit\n    slack_factor: -0.1\n");
  EXPECT_TRUE(has(e, "job.yml:5: sweep.early_termination.slack_factor: '-0.1' is not allowed for "
                     "sweep.early_termination.slack_factor; expected a number in (0, inf]")) << e;
  e = error("    type: truncation_selection\n");
  EXPECT_TRUE(has(e, "truncation_percentage is missing; expected an integer from 1 to 99")) << e;
  e = error("    type: truncation_selection\n    truncation_percentage: 100\n");
  EXPECT_TRUE(has(e, "'100' is not allowed for sweep.early_termination.truncation_percentage; expected an integer "
                     "from 1 to 99")) << e;
  e = error("    type: median_stopping\n    slack_factor: 0.1\n");
  EXPECT_TRUE(has(e, "unknown key 'slack_factor'; sweep.early_termination takes: type, evaluation_interval, "
                     "delay_evaluation")) << e;
  e = error("    type: bandit\n    slack_factor: 0.1\n    evaluation_interval: 0\n");
  EXPECT_TRUE(has(e, "'0' is not allowed for sweep.early_termination.evaluation_interval")) << e;
  e = error("    type: truncation_selection\n    truncation_percentage: 10\n    exclude_finished_jobs: maybe\n");
  EXPECT_TRUE(has(e, "expected true or false")) << e;
  e = error("    type: asha\n    reduction_factor: 1\n");
  EXPECT_TRUE(has(e, "expected an integer from 2 to 100")) << e;
  e = error("    type: hyperband\n");
  EXPECT_TRUE(has(e, "'hyperband' is not allowed for sweep.early_termination.type")) << e;
  e = error("    slack_factor: 0.2\n");
  EXPECT_TRUE(has(e, "early_termination needs a type")) << e;
}

TEST(SweepBudgetRules, ConcurrencyTrialsAndClocks) {
  Limits l;
  l.max_trials = 2;
  l.max_concurrent_trials = 2;  // JobSpec caps 4 at max_trials (R2.1)
  l.timeout_minutes = 60;
  const SweepBudget b = SweepBudget::of(l, 30);
  EXPECT_TRUE(b.may_start(0, 0, 0));
  EXPECT_TRUE(b.may_start(1, 1, 10));
  EXPECT_FALSE(b.may_start(2, 1, 10));  // max_trials reached
  EXPECT_FALSE(b.may_start(1, 2, 10));  // max_concurrent_trials running
  EXPECT_FALSE(b.may_start(1, 0, 60));  // R2.2: the timeout comes first
  EXPECT_TRUE(b.finished(1, 0, 60));
  EXPECT_TRUE(b.finished(2, 0, 5));
  EXPECT_FALSE(b.finished(2, 1, 5));
  EXPECT_TRUE(b.trial_timed_out(30));
  EXPECT_FALSE(b.trial_timed_out(29.9));
  EXPECT_FALSE(SweepBudget::of(Limits{}).trial_timed_out(1e9));
  EXPECT_EQ(parse_trial_timeout(nlohmann::json{{"trial_timeout_minutes", 20}}, json_locator("job.yml")), 20);
  EXPECT_FALSE(parse_trial_timeout(nlohmann::json{{"max_trials", 2}}, json_locator("job.yml")));
  const std::string e = error_of([] { parse_trial_timeout(nlohmann::json{{"trial_timeout_minutes", 0}}, json_locator("job.yml")); });
  EXPECT_TRUE(has(e, "job.yml: limits.trial_timeout_minutes: '0' is not allowed")) << e;
}

}  // namespace
}  // namespace autodet::sweep
