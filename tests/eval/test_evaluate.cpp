// evaluate(): metric selection, the score threshold (R6.2), per-label rows and history, PR
// curves and the JSON report.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "eval/evaluate.h"
#include "eval/per_label.h"
#include "eval/pr_curve.h"
#include "eval_builders.h"

namespace autodet::eval {
namespace {

using testing::det;
using testing::gt;
using testing::make_set;

// One object found exactly at score .9, a false positive at .3, and a class b with no object.
EvalSet small_set() {
  return make_set({"a", "b"}, {{{gt(0, 0, 0, 100, 100)}, {det(0, 0, 0, 100, 100, 0.9), det(0, 300, 300, 50, 50, 0.3)}}});
}

TEST(EvalEvaluate, ScoreThresholdIsStrict) {
  EvalOptions opt;
  opt.metric = MetricType::Voc;
  const EvalReport all = evaluate(small_set(), opt);
  EXPECT_EQ(all.predictions, 2u);
  EXPECT_NEAR(all.voc->per_class[0].precision, 1 / (2 + 1e-9), 1e-12);
  opt.box_score_threshold = 0.3;  // score 0.3 is not > 0.3: dropped
  const EvalReport above = evaluate(small_set(), opt);
  EXPECT_EQ(above.predictions, 1u);
  EXPECT_NEAR(above.voc->per_class[0].precision, 1 / (1 + 1e-9), 1e-12);
}

TEST(EvalEvaluate, MetricTypeSelectsWhatIsComputedAndThePrimaryMetric) {
  EvalOptions opt;
  opt.metric = MetricType::Coco;
  const EvalReport coco = evaluate(small_set(), opt);
  EXPECT_FALSE(coco.voc.has_value());
  ASSERT_TRUE(coco.coco.has_value());
  EXPECT_EQ(*coco.mean_average_precision, coco.coco->stats[1]);
  opt.metric = MetricType::None;
  const EvalReport none = evaluate(small_set(), opt);
  EXPECT_FALSE(none.voc || none.coco || none.mean_average_precision);
}

TEST(EvalEvaluate, JsonReport) {
  EvalOptions opt;
  opt.confusion = ConfusionOptions{};
  const nlohmann::json j = to_json(evaluate(small_set(), opt), true);
  EXPECT_EQ(j["metric_type"], "coco_voc");
  EXPECT_EQ(j["mean_average_precision"], j["voc"]["mean_average_precision"]);
  EXPECT_EQ(j["coco"].size(), 12u);
  EXPECT_NEAR(j["coco"]["AP50"].get<double>(), 1.0, 1e-12);  // TP then FP: precision [1, .5] at recall 1
  EXPECT_EQ(j["coco_per_label"]["b"], -1.0);
  EXPECT_EQ(j["voc"]["per_label"]["b"]["average_precision"], -1.0);
  EXPECT_EQ(j["per_label_metrics"][0]["class_name"], "a");
  EXPECT_EQ(j["pr_curves"]["a"]["precision"].size(), 2u);
  EXPECT_TRUE(j["box_score_threshold"].is_null());
  EXPECT_EQ(j["confusion_matrix"]["data"]["matrix"].size(), 3u);
  EXPECT_FALSE(to_json(evaluate(small_set(), opt)).contains("pr_curves"));
}

TEST(EvalPerLabel, RowsAndHistory) {
  EvalOptions opt;
  opt.metric = MetricType::Voc;
  const EvalReport rep = evaluate(small_set(), opt);
  const auto rows = per_label_metrics(*rep.voc);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].class_name, "b");
  EXPECT_EQ(rows[1].average_precision, -1.0);
  PerLabelHistory history;
  history.add(*rep.voc);
  history.add(*rep.voc);
  const nlohmann::json h = history.to_json();
  EXPECT_EQ(h["a"]["average_precision"].size(), 2u);
  EXPECT_EQ(h["b"]["recall"][1], -1.0);
}

TEST(EvalPrCurve, InterpolatedPrecision) {
  // Points (recall, precision): (.5, 1), (.5, .5), (1, 2/3). At recall levels 0 .. .5 the best
  // precision from the first point on is 1; above .5 only the last point: 2/3.
  PrCurve c;
  c.score = {0.9, 0.8, 0.7};
  c.precision = {1, 0.5, 2.0 / 3};
  c.recall = {0.5, 0.5, 1};
  const auto p = interpolated_precision(c, 11);
  for (int i = 0; i <= 5; ++i) EXPECT_EQ(p[std::size_t(i)], 1.0) << i;
  for (int i = 6; i <= 10; ++i) EXPECT_NEAR(p[std::size_t(i)], 2.0 / 3, 1e-15) << i;
  EXPECT_EQ(interpolated_precision(PrCurve{}, 3), (std::vector<double>{0, 0, 0}));
}

}  // namespace
}  // namespace autodet::eval
