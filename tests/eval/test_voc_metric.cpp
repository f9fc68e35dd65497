// Azure's VOC metric (spec §6.2) on hand-made cases whose answers are worked out in comments.
#include <gtest/gtest.h>

#include "eval/average_precision.h"
#include "eval/coco_metric.h"
#include "eval/voc_metric.h"
#include "eval_builders.h"

namespace autodet::eval {
namespace {

using testing::det;
using testing::gt;
using testing::make_set;

constexpr double kTol = 1e-12;
// precision = TP / (TP + FP + 1e-9), so "1" is 1 / (1 + 1e-9).
constexpr double kOne = 1.0 / (1.0 + 1e-9);

TEST(VocAveragePrecision, AllPointsPrependsRecallZeroPrecisionOne) {
  // TP, FP, TP with 2 objects: precision [1, .5, 2/3], recall [.5, .5, 1];
  // envelope [1, 2/3, 2/3] -> AP = 1*.5 + 2/3*0 + 2/3*.5 = 5/6.
  EXPECT_NEAR(voc_ap_all_points({1, 0.5, 2.0 / 3}, {0.5, 0.5, 1}), 5.0 / 6, kTol);
  // A curve starting at recall .5: the step from the prepended recall 0 is weighted by the
  // envelope at the first point (.4); the prepended precision 1 itself is never used.
  EXPECT_NEAR(voc_ap_all_points({0.4}, {0.5}), 0.2, kTol);
  EXPECT_EQ(voc_ap_all_points({}, {}), 0.0);
}

TEST(VocAveragePrecision, ElevenPoints) {
  // Same curve: levels 0, .1, .2, .30000000000000004, .4, .5 see max precision 1; levels
  // .6000000000000001 .. 1 only the last point (2/3) -> (6 + 5*2/3) / 11.
  EXPECT_NEAR(voc_ap_11_points({1, 0.5, 2.0 / 3}, {0.5, 0.5, 1}), (6 + 5 * 2.0 / 3) / 11, kTol);
  // numpy.arange(0, 1.1, .1) has 0.30000000000000004: recall exactly 0.3 does not reach it.
  EXPECT_NEAR(voc_ap_11_points({1.0}, {0.3}), 3.0 / 11, kTol);
}

TEST(VocMetric, PerfectPredictions) {
  // Two TPs: precision [1/(1+1e-9), 2/(2+1e-9)], recall [.5, 1]; the envelope is 2/(2+1e-9)
  // (the larger) at both points, so AP = 2/(2+1e-9).
  const double two = 2 / (2 + 1e-9);
  auto s = make_set({"a"}, {{{gt(0, 0, 0, 100, 100), gt(0, 200, 200, 100, 100)},
                             {det(0, 0, 0, 100, 100, 0.9), det(0, 200, 200, 100, 100, 0.8)}}});
  const VocResult r = evaluate_voc(s);
  ASSERT_EQ(r.per_class.size(), 1u);
  EXPECT_NEAR(r.per_class[0].average_precision, two, kTol);
  EXPECT_NEAR(r.per_class[0].precision, two, kTol);
  EXPECT_NEAR(r.per_class[0].recall, 1.0, kTol);
  EXPECT_NEAR(r.mean_average_precision, two / (1 + 1e-9), kTol);
  EXPECT_EQ(r.per_class[0].ground_truths, 2u);
  EXPECT_EQ(r.per_class[0].predictions, 2u);
}

TEST(VocMetric, NoPredictions) {
  // m > 0, n = 0: AP 0, recall 0, precision undefined (−1) and left out of the mean.
  auto s = make_set({"a"}, {{{gt(0, 0, 0, 100, 100)}, {}}});
  const VocResult r = evaluate_voc(s);
  EXPECT_EQ(r.per_class[0].average_precision, 0.0);
  EXPECT_EQ(r.per_class[0].recall, 0.0);
  EXPECT_EQ(r.per_class[0].precision, -1.0);
  EXPECT_EQ(r.precision, 0.0);  // no defined value: 0 / (0 + 1e-9)
}

TEST(VocMetric, AllFalsePositives) {
  auto s = make_set({"a"}, {{{gt(0, 0, 0, 100, 100)}, {det(0, 500, 500, 50, 50, 0.9), det(0, 0, 0, 100, 30, 0.8)}}});
  const VocResult r = evaluate_voc(s);
  EXPECT_EQ(r.per_class[0].average_precision, 0.0);
  EXPECT_EQ(r.per_class[0].precision, 0.0);
  EXPECT_EQ(r.per_class[0].recall, 0.0);
}

TEST(VocMetric, DuplicatesOnOneObject) {
  // TP then a duplicate (FP): precision [1, .5], recall [1, 1] -> AP 1, last precision .5.
  auto s = make_set({"a"}, {{{gt(0, 0, 0, 100, 100)}, {det(0, 0, 0, 100, 100, 0.9), det(0, 2, 2, 100, 100, 0.8)}}});
  const VocResult r = evaluate_voc(s);
  EXPECT_NEAR(r.per_class[0].average_precision, kOne, kTol);
  EXPECT_NEAR(r.per_class[0].precision, 1 / (2 + 1e-9), kTol);
  EXPECT_NEAR(r.per_class[0].recall, 1.0, kTol);
}

TEST(VocMetric, MaxIouObjectAlreadyMatchedIsAFalsePositive) {
  // G1 = [0,0,100,100], G2 = [50,0,100,100]. D1 (.9) = G1 -> TP. D2 (.8) = [20,0,100,100] has
  // IoU 80/120 with G1 and 70/130 with G2: its best is G1, already matched -> FP (Azure), even
  // though G2 is free above 0.5. Precision [1, .5], recall [.5, .5] -> AP .5.
  // pycocotools instead matches D2 to G2: COCO AP50 = 1.
  auto s = make_set({"a"}, {{{gt(0, 0, 0, 100, 100), gt(0, 50, 0, 100, 100)},
                             {det(0, 0, 0, 100, 100, 0.9), det(0, 20, 0, 100, 100, 0.8)}}});
  const VocResult r = evaluate_voc(s);
  EXPECT_NEAR(r.per_class[0].average_precision, 0.5 * kOne, kTol);
  EXPECT_NEAR(r.per_class[0].recall, 0.5, kTol);
  EXPECT_NEAR(evaluate_coco(s).stats[1], 1.0, kTol);
}

TEST(VocMetric, IouThreshold) {
  // IoU .62: a TP at 0.5, a FP at 0.7.
  auto s = make_set({"a"}, {{{gt(0, 0, 0, 100, 100)}, {det(0, 0, 0, 100, 62, 0.9)}}});
  EXPECT_NEAR(evaluate_voc(s, {0.5, false}).per_class[0].average_precision, kOne, kTol);
  EXPECT_EQ(evaluate_voc(s, {0.7, false}).per_class[0].average_precision, 0.0);
  // IoU exactly at the threshold counts (>=).
  auto half = make_set({"a"}, {{{gt(0, 0, 0, 100, 100)}, {det(0, 0, 0, 100, 50, 0.9)}}});
  EXPECT_NEAR(evaluate_voc(half, {0.5, false}).per_class[0].average_precision, kOne, kTol);
  EXPECT_EQ(clamp_voc_iou_threshold(0.05), 0.1);
  EXPECT_EQ(clamp_voc_iou_threshold(1.5), 1.0);
  EXPECT_EQ(clamp_voc_iou_threshold(0.3), 0.3);
}

TEST(VocMetric, CrowdPredictionsAreIgnored) {
  // Image 1: two predictions inside a crowd region: ignored (points on the curve with TP = FP = 0).
  // Image 2: one object found. Sorted: ignored, ignored, TP: precision [0, 0, kOne],
  // recall [0, 0, 1] -> AP kOne.
  auto s = make_set({"a"}, {{{gt(0, 0, 0, 200, 200, true)}, {det(0, 0, 0, 50, 50, 0.9), det(0, 100, 100, 50, 50, 0.8)}},
                            {{gt(0, 0, 0, 100, 100)}, {det(0, 0, 0, 100, 100, 0.7)}}});
  const VocResult r = evaluate_voc(s);
  EXPECT_NEAR(r.per_class[0].average_precision, kOne, kTol);
  EXPECT_EQ(r.per_class[0].ground_truths, 1u);
  EXPECT_EQ(r.per_class[0].predictions, 3u);
  ASSERT_EQ(r.per_class[0].curve.size(), 3u);
  EXPECT_EQ(r.per_class[0].curve.precision[0], 0.0);
}

TEST(VocMetric, CrowdOnlyClass) {
  // m = 0 (only a crowd box) and n > 0: AP and recall undefined, precision 0.
  auto s = make_set({"a"}, {{{gt(0, 0, 0, 200, 200, true)}, {det(0, 0, 0, 50, 50, 0.9)}}});
  const VocResult r = evaluate_voc(s);
  EXPECT_EQ(r.per_class[0].average_precision, -1.0);
  EXPECT_EQ(r.per_class[0].recall, -1.0);
  EXPECT_EQ(r.per_class[0].precision, 0.0);
  EXPECT_EQ(r.mean_average_precision, 0.0);
}

TEST(VocMetric, ClassWithoutGroundTruthAndUnusedClass) {
  // a: found exactly (AP kOne). b: predictions, no objects -> AP −1, recall −1, precision 0.
  // c: neither -> all −1. Means: mAP = kOne / (1 + 1e-9), precision = (kOne + 0) / (2 + 1e-9).
  auto s = make_set({"a", "b", "c"}, {{{gt(0, 0, 0, 100, 100)}, {det(0, 0, 0, 100, 100, 0.9), det(1, 0, 0, 100, 100, 0.8)}}});
  const VocResult r = evaluate_voc(s);
  EXPECT_EQ(r.per_class[1].average_precision, -1.0);
  EXPECT_EQ(r.per_class[1].recall, -1.0);
  EXPECT_EQ(r.per_class[1].precision, 0.0);
  EXPECT_EQ(r.per_class[2].average_precision, -1.0);
  EXPECT_EQ(r.per_class[2].precision, -1.0);
  EXPECT_EQ(r.per_class[2].recall, -1.0);
  EXPECT_NEAR(r.mean_average_precision, kOne / (1 + 1e-9), kTol);
  EXPECT_NEAR(r.precision, kOne / (2 + 1e-9), kTol);
  EXPECT_NEAR(r.recall, 1 / (1 + 1e-9), kTol);
}

TEST(VocMetric, TiesInScoreKeepImageThenInputOrder) {
  // FP (image 1) and TP (image 2) at the same score, 2 objects: FP first -> precision [0, .5],
  // recall [0, .5] -> AP = .5 * .5. With image 2 first: precision [1, .5] -> AP .5.
  auto s = make_set({"a"}, {{{gt(0, 0, 0, 100, 100)}, {det(0, 500, 500, 100, 100, 0.5)}},
                            {{gt(0, 0, 0, 100, 100)}, {det(0, 0, 0, 100, 100, 0.5)}}});
  EXPECT_NEAR(evaluate_voc(s).per_class[0].average_precision, 0.25 * 2 * (1 / (2 + 1e-9)), kTol);
  s.images[1].id = 0;
  EXPECT_NEAR(evaluate_voc(s).per_class[0].average_precision, 0.5 * kOne, kTol);
}

TEST(VocMetric, ElevenPointOption) {
  // TP, FP, TP on 2 objects, as in VocAveragePrecision.ElevenPoints (up to the 1e-9 term).
  auto s = make_set({"a"}, {{{gt(0, 0, 0, 100, 100), gt(0, 300, 300, 100, 100)},
                             {det(0, 0, 0, 100, 100, 0.9), det(0, 600, 600, 10, 10, 0.8), det(0, 300, 300, 100, 100, 0.7)}}});
  EXPECT_NEAR(evaluate_voc(s, {0.5, true}).per_class[0].average_precision, (6 + 5 * 2.0 / 3) / 11, 1e-8);
  EXPECT_NEAR(evaluate_voc(s, {0.5, false}).per_class[0].average_precision, 5.0 / 6, 1e-8);
}

TEST(VocMetric, EmptySetHasZeroMeans) {
  EvalSet s;
  const VocResult r = evaluate_voc(s);
  EXPECT_TRUE(r.per_class.empty());
  EXPECT_EQ(r.mean_average_precision, 0.0);
}

}  // namespace
}  // namespace autodet::eval
