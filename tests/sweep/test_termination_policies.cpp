// Early termination (§2.3, R2.4) on hand-built metric histories; every expected decision is
// worked out from the formulas in the comments.
#include <gtest/gtest.h>

#include "automl/sweep/asha_policy.h"
#include "automl/sweep/bandit_policy.h"
#include "automl/sweep/median_stopping_policy.h"
#include "automl/sweep/truncation_policy.h"

namespace autodet::sweep {
namespace {

// A trial that reported `values` at epochs 0, 1, 2, ... (or every `every` epochs from every-1).
TrialMetrics reports(std::vector<double> values, bool finished = false, int every = 1) {
  TrialMetrics t;
  for (std::size_t i = 0; i < values.size(); ++i) t.by_epoch[int(i + 1) * every - 1] = values[i];
  t.finished = finished;
  return t;
}

PolicySettings bandit(std::optional<double> factor, std::optional<double> amount, int interval = 1, int delay = 0) {
  PolicySettings s;
  s.type = PolicyType::Bandit;
  s.slack_factor = factor;
  s.slack_amount = amount;
  s.evaluation_interval = interval;
  s.delay_evaluation = delay;
  return s;
}

TEST(SweepBanditPolicy, SlackFactorCutsBelowBestOverOnePlusFactor) {
  const BanditPolicy p(bandit(0.2, std::nullopt));
  // Spec example: best 0.8, slack_factor 0.2 -> cut-off 0.8 / 1.2 = 0.6667.
  const std::vector<TrialMetrics> t = {reports({0.5, 0.8}), reports({0.4, 0.6}), reports({0.7, 0.66}),
                                       reports({0.3, 0.67})};
  const Decision b = p.decide(t, 1);
  EXPECT_TRUE(b.terminate);
  EXPECT_EQ(b.reason, "evaluation 2: best 0.6 < 0.6667 = 0.8 / (1 + 0.2) (bandit slack of the best trial)");
  EXPECT_FALSE(p.decide(t, 2).terminate);  // its best is 0.7 (evaluation 1)
  EXPECT_FALSE(p.decide(t, 3).terminate);  // 0.67 >= 0.6667
  EXPECT_FALSE(p.decide(t, 0).terminate);  // the leader
}

TEST(SweepBanditPolicy, SlackAmountCutsBelowBestMinusAmount) {
  const BanditPolicy p(bandit(std::nullopt, 0.15));
  // best 0.8 -> cut-off 0.65.
  const std::vector<TrialMetrics> t = {reports({0.5, 0.8}), reports({0.4, 0.6}), reports({0.3, 0.66})};
  const Decision d = p.decide(t, 1);
  EXPECT_TRUE(d.terminate);
  EXPECT_EQ(d.reason, "evaluation 2: best 0.6 < 0.65 = 0.8 - 0.15 (bandit slack of the best trial)");
  EXPECT_FALSE(p.decide(t, 2).terminate);  // 0.66 >= 0.65
}

TEST(SweepBanditPolicy, ComparesWithTheBestAtTheSameEvaluation) {
  const BanditPolicy p(bandit(0.2, std::nullopt));
  // The leader reached 0.95 only at its 4th report; at evaluation 2 its best was 0.8 -> cut 0.6667.
  const std::vector<TrialMetrics> t = {reports({0.5, 0.8, 0.9, 0.95}), reports({0.6, 0.7})};
  EXPECT_FALSE(p.decide(t, 1).terminate);
  // A trial that stopped after one report still counts with what it reported: best 0.9 -> cut 0.75.
  const std::vector<TrialMetrics> u = {reports({0.9}, true), reports({0.6, 0.7})};
  EXPECT_TRUE(p.decide(u, 1).terminate);
}

TEST(SweepBanditPolicy, DelayAndIntervalChooseTheEvaluationPoints) {
  // The §2.6 sample: evaluation_interval 2, delay_evaluation 6 -> acts at reports 6, 8, 10, ...
  const BanditPolicy p(bandit(0.2, std::nullopt, 2, 6));
  const TrialMetrics leader = reports(std::vector<double>(10, 0.9));
  std::vector<bool> acted;
  for (std::size_t k = 1; k <= 10; ++k) {
    const std::vector<TrialMetrics> t = {leader, reports(std::vector<double>(k, 0.1))};
    const Decision d = p.decide(t, 1);
    acted.push_back(d.terminate);
    if (k == 5) EXPECT_EQ(d.reason, "evaluation 5: before delay_evaluation 6");
    if (k == 7) EXPECT_EQ(d.reason, "evaluation 7: not a multiple of evaluation_interval 2");
  }
  EXPECT_EQ(acted, (std::vector<bool>{false, false, false, false, false, true, false, true, false, true}));
  // delay 5, interval 2: 5 is not a multiple of 2, so the first point is 6.
  const BanditPolicy q(bandit(0.2, std::nullopt, 2, 5));
  EXPECT_FALSE(q.decide({leader, reports(std::vector<double>(5, 0.1))}, 1).terminate);
  EXPECT_TRUE(q.decide({leader, reports(std::vector<double>(6, 0.1))}, 1).terminate);
  EXPECT_EQ(q.decide({leader, TrialMetrics{}}, 1).reason, "no evaluation reported yet");
}

TEST(SweepMedianStoppingPolicy, StopsBelowTheMedianOfRunningAverages) {
  PolicySettings s;
  s.type = PolicyType::MedianStopping;
  const MedianStoppingPolicy p(s);
  // At evaluation 3 the running averages (first 3 reports) are: A 0.4, B 0.5, C 0.2, D 0.3433,
  // E 0.1 (its later 0.9s do not count yet) -> sorted 0.1 0.2 0.3433 0.4 0.5, median 0.3433.
  const std::vector<TrialMetrics> t = {reports({0.2, 0.4, 0.6}), reports({0.5, 0.5, 0.5}),
                                       reports({0.1, 0.2, 0.3}), reports({0.3, 0.35, 0.38}),
                                       reports({0.1, 0.1, 0.1, 0.9, 0.9})};
  const Decision c = p.decide(t, 2);  // C: best 0.3 < 0.3433
  EXPECT_TRUE(c.terminate);
  EXPECT_EQ(c.reason, "evaluation 3: best 0.3 < median 0.3433 of the running averages of 5 trials");
  EXPECT_FALSE(p.decide(t, 3).terminate);  // D: best 0.38 >= 0.3433
  EXPECT_FALSE(p.decide(t, 0).terminate);  // A: 0.6
  // Four trials: the median is the mean of the middle two. Without E: 0.2 0.3433 0.4 0.5 -> 0.3717.
  const std::vector<TrialMetrics> four(t.begin(), t.begin() + 4);
  EXPECT_FALSE(p.decide(four, 3).terminate);  // 0.38 >= 0.3717
  EXPECT_EQ(p.decide(four, 3).reason, "evaluation 3: best 0.38 >= median 0.3717 of the running averages of 4 trials");
  // A lone trial is never below the median of its own average.
  EXPECT_FALSE(p.decide({reports({0.1, 0.05})}, 0).terminate);
}

PolicySettings truncation(int percentage, bool exclude_finished) {
  PolicySettings s;
  s.type = PolicyType::TruncationSelection;
  s.truncation_percentage = percentage;
  s.exclude_finished_jobs = exclude_finished;
  return s;
}

TEST(SweepTruncationPolicy, CutsTheLowestShareOfTrialsAtTheSameEvaluation) {
  // Best of the first 2 reports: A 0.5, B 0.6 (finished), C 0.7 (finished), D 0.8, E 0.3;
  // F has reported once and is not ranked at evaluation 2.
  const std::vector<TrialMetrics> t = {reports({0.5, 0.4}),       reports({0.6, 0.6}, true),
                                       reports({0.7, 0.1}, true), reports({0.8, 0.8}),
                                       reports({0.2, 0.3}),       reports({0.1})};
  // 20% of 5 = 1: only E goes.
  const TruncationPolicy p20(truncation(20, false));
  const Decision e = p20.decide(t, 4);
  EXPECT_TRUE(e.terminate);
  EXPECT_EQ(e.reason, "evaluation 2: best 0.3 ranks 1 from the bottom of 5 trials; the lowest 20% are 1");
  EXPECT_FALSE(p20.decide(t, 0).terminate);
  // 40% of 5 = 2: A (second lowest) goes too.
  const TruncationPolicy p40(truncation(40, false));
  EXPECT_TRUE(p40.decide(t, 0).terminate);
  EXPECT_FALSE(p40.decide(t, 1).terminate);
  // Excluding the finished B and C: A, D, E remain; 40% of 3 = 1, so only E goes.
  const TruncationPolicy x40(truncation(40, true));
  EXPECT_FALSE(x40.decide(t, 0).terminate);
  EXPECT_TRUE(x40.decide(t, 4).terminate);
  EXPECT_EQ(x40.decide(t, 0).reason, "evaluation 2: best 0.5 ranks 2 from the bottom of 3 trials; the lowest 40% are 1");
  // 20% of 3 = 0: nobody goes.
  EXPECT_FALSE(TruncationPolicy(truncation(20, true)).decide(t, 4).terminate);
}

TEST(SweepTruncationPolicy, TiesFavourTheTrialDecided) {
  const TruncationPolicy p(truncation(20, false));
  // 0.1, 0.1, 0.5, 0.6, 0.7: 20% of 5 = 1, but each 0.1 trial has the other one at or below it.
  const std::vector<TrialMetrics> t = {reports({0.1}), reports({0.1}), reports({0.5}), reports({0.6}),
                                       reports({0.7})};
  EXPECT_FALSE(p.decide(t, 0).terminate);
  EXPECT_FALSE(p.decide(t, 1).terminate);
}

PolicySettings asha(int eta, int min_resource) {
  PolicySettings s;
  s.type = PolicyType::Asha;
  s.reduction_factor = eta;
  s.min_resource = min_resource;
  return s;
}

TEST(SweepAshaPolicy, KeepsTheTopThirdAtEachRung) {
  const AshaPolicy p(asha(3, 1));  // rungs at 1, 3, 9 trained epochs (epochs 0, 2, 8)
  EXPECT_EQ(p.rung_epochs(0), 1);
  EXPECT_EQ(p.rung_epochs(2), 9);
  std::vector<TrialMetrics> t = {reports({0.5, 0.6, 0.7}), reports({0.4, 0.5, 0.65}), reports({0.3, 0.45, 0.6}),
                                 reports({0.2})};
  // Rung 0: A 0.5, B 0.4, C 0.3, D 0.2 -> keep max(1, 4 / 3) = 1: only values >= 0.5 go on.
  const Decision d = p.decide(t, 3);
  EXPECT_TRUE(d.terminate);
  EXPECT_EQ(d.reason, "rung 0 (1 epochs): best 0.2 < 0.5, the top 1 of 4 trials at this rung");
  // Rung 1 (3 epochs): A 0.7, B 0.65, C 0.6 -> keep 1.
  EXPECT_FALSE(p.decide(t, 0).terminate);
  EXPECT_TRUE(p.decide(t, 1).terminate);
  // Between rungs nothing is decided.
  t[0] = reports({0.5, 0.6});
  EXPECT_EQ(p.decide(t, 0).reason, "epoch 1: not at a rung");
  // Six trials at rung 0 keep 6 / 3 = 2.
  const std::vector<TrialMetrics> six = {reports({0.9}), reports({0.8}), reports({0.7}), reports({0.6}),
                                         reports({0.5}), reports({0.4})};
  EXPECT_FALSE(p.decide(six, 1).terminate);
  EXPECT_TRUE(p.decide(six, 2).terminate);
  // The first trial to reach a rung always goes on.
  EXPECT_FALSE(p.decide({reports({0.01})}, 0).terminate);
}

TEST(SweepAshaPolicy, RungsCountTrainedEpochsWhateverTheEvaluationFrequency) {
  const AshaPolicy p(asha(2, 2));  // rungs at 2, 4, 8 epochs
  // Evaluated every 3 epochs: reports at epochs 2 and 5 (3 and 6 trained). The report at epoch 5
  // passes rung 2 (4 epochs) first; its rung value is the best up to that report.
  const std::vector<TrialMetrics> t = {reports({0.4, 0.5}, false, 3), reports({0.6, 0.7, 0.75, 0.8})};
  const Decision d = p.decide(t, 0);
  EXPECT_EQ(d.reason, "rung 1 (4 epochs): best 0.5 < 0.8, the top 1 of 2 trials at this rung");
  EXPECT_TRUE(d.terminate);
}

}  // namespace
}  // namespace autodet::sweep
