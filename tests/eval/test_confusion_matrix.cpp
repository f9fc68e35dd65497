// Detection confusion matrix on a hand-made image.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "eval/confusion_matrix.h"
#include "eval_builders.h"

namespace autodet::eval {
namespace {

using testing::det;
using testing::gt;
using testing::make_set;

TEST(EvalConfusionMatrix, RowsGroundTruthColumnsPredicted) {
  // Objects: a1 at x=0, b at x=200, a3 at x=400, a crowd of a at x=600.
  // Predictions: a on a1 (.9) -> (a, a). b on a1 (.8): no free b object, a1 taken -> background.
  // b on a3 (.7): no b object there, a3 free -> (a, b). a on the crowd (.6) -> ignored.
  // a at x=800 (.2) is below the .5 score threshold. b (object) is never matched -> Missed.
  auto s = make_set({"a", "b"}, {{{gt(0, 0, 0, 100, 100), gt(1, 200, 0, 100, 100), gt(0, 400, 0, 100, 100), gt(0, 600, 0, 200, 200, true)},
                                  {det(0, 0, 0, 100, 100, 0.9), det(1, 0, 0, 100, 100, 0.8), det(1, 400, 0, 100, 100, 0.7),
                                   det(0, 610, 10, 50, 50, 0.6), det(0, 800, 0, 100, 100, 0.2)}}});
  const ConfusionMatrix cm = confusion_matrix(s, {0.5, 0.5});
  const std::vector<std::vector<long>> expected{{1, 1, 0}, {0, 0, 1}, {0, 1, 0}};
  EXPECT_EQ(cm.counts, expected);

  const nlohmann::json j = cm.to_json();
  EXPECT_EQ(j["schema_type"], "confusion_matrix");
  EXPECT_EQ(j["schema_version"], "1.0.0");
  EXPECT_EQ(j["data"]["class_labels"], nlohmann::json({"a", "b", "Missed"}));
  EXPECT_EQ(j["data"]["matrix"][2][2], "N/A");
  EXPECT_EQ(j["data"]["matrix"][0][1], 1);

  // With a score threshold of 0.1 the low a at x=800 becomes a background prediction.
  const ConfusionMatrix low = confusion_matrix(s, {0.1, 0.5});
  EXPECT_EQ(low.counts[2][0], 1);
}

TEST(EvalConfusionMatrix, SameClassIsPreferredOverHigherIouOfAnotherClass) {
  // Prediction a overlaps object b exactly and object a at IoU .62: it is a correct a.
  auto s = make_set({"a", "b"}, {{{gt(1, 0, 0, 100, 100), gt(0, 0, 0, 100, 62)}, {det(0, 0, 0, 100, 100, 0.9)}}});
  const ConfusionMatrix cm = confusion_matrix(s, {0.5, 0.5});
  EXPECT_EQ(cm.counts[0][0], 1);
  EXPECT_EQ(cm.counts[1][2], 1);  // b missed
}

}  // namespace
}  // namespace autodet::eval
