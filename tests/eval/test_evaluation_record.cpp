// The evaluation record (evaluation.json): its predictions give its metrics again, its confusion
// matrices carry Azure's names, bad records are refused with the file and field; and the
// per-box outcomes agree with the confusion matrix they feed.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "eval/box_outcomes.h"
#include "eval/evaluation_record.h"
#include "eval_builders.h"
#include "test_util.h"

using namespace autodet;
using namespace autodet::eval;
using namespace autodet::eval::testing;
using nlohmann::json;

namespace {

// Three images, two classes: hits, a wrong class, a background prediction, a miss, a crowd region
// and scores spread over the thresholds.
EvalSet sample_set() {
  return make_set({"cat", "dog"},
                  {{{gt(0, 10, 10, 100, 100), gt(1, 300, 300, 80, 80)},
                    {det(0, 12, 10, 100, 98, 0.93), det(0, 300, 302, 80, 80, 0.64), det(1, 600, 600, 50, 50, 0.31)}},
                   {{gt(1, 50, 50, 200, 200), gt(0, 500, 500, 100, 100, true)},
                    {det(1, 55, 52, 198, 199, 0.88), det(0, 505, 505, 90, 90, 0.72), det(1, 700, 20, 40, 40, 0.12)}},
                   {{gt(0, 0, 0, 60, 60)}, {}}});
}

EvalOptions options() {
  EvalOptions o;
  o.metric = MetricType::CocoVoc;
  o.box_score_threshold = 0.1;
  o.threads = 1;
  return o;
}

}  // namespace

TEST(EvaluationRecord, ItsPredictionsGiveItsMetricsAgain) {
  const EvalSet set = sample_set();
  const EvalReport rep = evaluate(set, options());
  const json record = evaluation_record(set, rep, 0.5);
  EXPECT_EQ(record["metrics"], to_json(rep, true));
  const EvalSet back = eval_set_from_record(json::parse(record.dump()), "evaluation.json");
  EXPECT_EQ(to_json(evaluate(back, options()), true), record["metrics"]);
  ASSERT_EQ(back.images.size(), 3u);
  EXPECT_EQ(back.images[1].gts[1].crowd, true);
  EXPECT_EQ(back.images[0].dets[1].score, 0.64);
}

TEST(EvaluationRecord, HoldsAzureNamedConfusionMatricesAtEveryThreshold) {
  const EvalSet set = sample_set();
  const json record = evaluation_record(set, evaluate(set, options()), 0.5);
  ASSERT_EQ(confusion_thresholds().size(), 19u);
  EXPECT_EQ(confusion_matrix_name(0.5), "confusion_matrix_score_threshold_0.5");
  EXPECT_EQ(confusion_matrix_name(0.05), "confusion_matrix_score_threshold_0.05");
  for (double t : confusion_thresholds()) {
    const json& m = record["confusion_matrices"].at(confusion_matrix_name(t));
    EXPECT_EQ(m, confusion_matrix(set, ConfusionOptions{t, 0.5}).to_json());
  }
  // At 0.5: cat hit, dog predicted as cat, dog hit; nothing left in background; the third image's cat missed.
  const json& m = record["confusion_matrices"]["confusion_matrix_score_threshold_0.5"]["data"]["matrix"];
  EXPECT_EQ(m, json::parse(R"([[1, 0, 1], [1, 1, 0], [0, 0, "N/A"]])"));
  // At 0.3 the dog predicted on empty ground is a background false positive.
  EXPECT_EQ(record["confusion_matrices"]["confusion_matrix_score_threshold_0.3"]["data"]["matrix"][2][1], 1);
}

TEST(EvaluationRecord, RefusesWhatIsNotARecordNamingFileAndField) {
  autodet::testing::TempDir t;
  autodet::testing::write_text(t / "other.json", R"({"images": []})");
  try {
    read_evaluation_record(t / "other.json");
    FAIL() << "accepted a file without the schema";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find(t / "other.json"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("schema"), std::string::npos) << e.what();
  }
  json record = evaluation_record(sample_set(), evaluate(sample_set(), options()), 0.5);
  record["images"][2]["objects"][0][4] = 7;
  try {
    eval_set_from_record(record, "e.json");
    FAIL() << "accepted a class index outside the class list";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("images[2]"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("class index 7"), std::string::npos) << e.what();
  }
}

TEST(EvaluationRecord, WritesAtomicallyAndReadsBack) {
  autodet::testing::TempDir t;
  const json record = evaluation_record(sample_set(), evaluate(sample_set(), options()), 0.5);
  write_evaluation_record(t / "evaluation.json", record);
  EXPECT_EQ(read_evaluation_record(t / "evaluation.json"), record);
  const json summary = evaluation_summary(record);
  EXPECT_FALSE(summary["metrics"].contains("pr_curves"));
  EXPECT_EQ(summary["confusion_matrices"], record["confusion_matrices"]);
  EXPECT_FALSE(summary.contains("images"));
}

TEST(BoxOutcomes, SayWhatTheConfusionMatrixCounts) {
  const EvalSet set = sample_set();
  const ImageOutcomes a = match_image_boxes(set.images[0], 2, 0.3, 0.5);
  ASSERT_EQ(a.dets.size(), 3u);
  EXPECT_EQ(a.dets[0], BoxOutcome::TruePositive);
  EXPECT_EQ(a.dets[1], BoxOutcome::WrongClass);
  EXPECT_EQ(a.matched_gt[1], 1);
  EXPECT_EQ(a.dets[2], BoxOutcome::Background);
  const ImageOutcomes b = match_image_boxes(set.images[1], 2, 0.1, 0.5);
  EXPECT_EQ(b.dets[0], BoxOutcome::TruePositive);
  EXPECT_EQ(b.dets[1], BoxOutcome::OnCrowd);
  EXPECT_EQ(b.dets[2], BoxOutcome::Background);
  const ImageOutcomes c = match_image_boxes(set.images[1], 2, 0.9, 0.5);
  EXPECT_EQ(c.dets[0], BoxOutcome::BelowThreshold);
  EXPECT_EQ(c.gt_matched[0], 0);
}
