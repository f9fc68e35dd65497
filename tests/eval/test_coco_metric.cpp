// COCO metric on hand-made cases whose answers are worked out in the comments.
#include <gtest/gtest.h>

#include "eval/coco_metric.h"
#include "eval_builders.h"

namespace autodet::eval {
namespace {

using testing::det;
using testing::gt;
using testing::make_set;

enum Stat { AP, AP50, AP75, APs, APm, APl, AR1, AR10, AR100, ARs, ARm, ARl };
constexpr double kTol = 1e-12;

TEST(CocoParams, ThresholdsAreNumpyLinspace) {
  const CocoParams p = CocoParams::defaults();
  ASSERT_EQ(p.iou_thresholds.size(), 10u);
  ASSERT_EQ(p.recall_thresholds.size(), 101u);
  // numpy.linspace(.5, .95, 10) gives 0.8999999999999999 for the 9th value but exactly 0.75 for the 6th.
  EXPECT_EQ(p.iou_thresholds[5], 0.75);
  EXPECT_EQ(p.iou_thresholds[8], 0.8999999999999999);
  EXPECT_EQ(p.iou_thresholds[9], 0.95);
  EXPECT_EQ(p.recall_thresholds[35], 0.35000000000000003);
  EXPECT_EQ(p.recall_thresholds[100], 1.0);
}

TEST(CocoMetric, PerfectPredictions) {
  // Two large objects (100x100 = 10000 > 96^2) found exactly. AR1 sees only the best
  // detection of the image: recall 1/2. No small or medium objects: those stats are −1.
  auto s = make_set({"a"}, {{{gt(0, 0, 0, 100, 100), gt(0, 200, 200, 100, 100)},
                             {det(0, 0, 0, 100, 100, 0.9), det(0, 200, 200, 100, 100, 0.8)}}});
  const CocoResult r = evaluate_coco(s);
  EXPECT_NEAR(r.stats[AP], 1.0, kTol);
  EXPECT_NEAR(r.stats[AP50], 1.0, kTol);
  EXPECT_NEAR(r.stats[AP75], 1.0, kTol);
  EXPECT_EQ(r.stats[APs], -1.0);
  EXPECT_EQ(r.stats[APm], -1.0);
  EXPECT_NEAR(r.stats[APl], 1.0, kTol);
  EXPECT_NEAR(r.stats[AR1], 0.5, kTol);
  EXPECT_NEAR(r.stats[AR10], 1.0, kTol);
  EXPECT_NEAR(r.stats[AR100], 1.0, kTol);
  EXPECT_EQ(r.stats[ARs], -1.0);
  EXPECT_EQ(r.stats[ARm], -1.0);
  EXPECT_NEAR(r.stats[ARl], 1.0, kTol);
  EXPECT_NEAR(r.per_class_ap[0], 1.0, kTol);
}

TEST(CocoMetric, NoPredictions) {
  // Objects but no detections: precision 0 (not −1) at every recall threshold, recall 0.
  auto s = make_set({"a"}, {{{gt(0, 0, 0, 20, 20), gt(0, 100, 100, 50, 50)}, {}}});
  const CocoResult r = evaluate_coco(s);
  for (int i : {AP, AP50, AP75, APs, APm, AR1, AR10, AR100, ARs, ARm}) EXPECT_EQ(r.stats[i], 0.0) << i;
  EXPECT_EQ(r.stats[APl], -1.0);
  EXPECT_EQ(r.stats[ARl], -1.0);
}

TEST(CocoMetric, AllFalsePositives) {
  auto s = make_set({"a"}, {{{gt(0, 0, 0, 100, 100)}, {det(0, 500, 500, 100, 100, 0.9), det(0, 300, 300, 100, 100, 0.5)}}});
  const CocoResult r = evaluate_coco(s);
  EXPECT_EQ(r.stats[AP], 0.0);
  EXPECT_EQ(r.stats[AP50], 0.0);
  EXPECT_EQ(r.stats[AR100], 0.0);
}

TEST(CocoMetric, DuplicatesOnOneObject) {
  // One 100x100 object. Detection A (score .9) has IoU 0.62 (100x62 inside it), B (.8) is exact.
  // IoU thresholds .50/.55/.60: A matches, B is a duplicate (FP): precision [1, .5] -> AP 1.
  // The 7 higher thresholds: A is a FP, B matches: precision [0, .5], envelope .5 -> AP .5.
  // AP = (3*1 + 7*.5)/10 = .65. Area "large": unmatched A (area 6200) is outside the range and
  // ignored, so APl = 1. AR1 keeps only A: recall 1 at 3 thresholds -> .3.
  auto s = make_set({"a"}, {{{gt(0, 0, 0, 100, 100)}, {det(0, 0, 0, 100, 62, 0.9), det(0, 0, 0, 100, 100, 0.8)}}});
  const CocoResult r = evaluate_coco(s);
  EXPECT_NEAR(r.stats[AP], 0.65, kTol);
  EXPECT_NEAR(r.stats[AP50], 1.0, kTol);
  EXPECT_NEAR(r.stats[AP75], 0.5, kTol);
  EXPECT_NEAR(r.stats[APl], 1.0, kTol);
  EXPECT_EQ(r.stats[APm], -1.0);
  EXPECT_NEAR(r.stats[AR1], 0.3, kTol);
  EXPECT_NEAR(r.stats[AR100], 1.0, kTol);
}

TEST(CocoMetric, IouExactlyAtThreshold) {
  // IoU exactly 0.5 (100x50 in 100x100): a match at threshold .50 only -> AP50 1, AP .1.
  auto half = make_set({"a"}, {{{gt(0, 0, 0, 100, 100)}, {det(0, 0, 0, 100, 50, 0.9)}}});
  const CocoResult r1 = evaluate_coco(half);
  EXPECT_NEAR(r1.stats[AP50], 1.0, kTol);
  EXPECT_NEAR(r1.stats[AP], 0.1, kTol);
  EXPECT_EQ(r1.stats[AP75], 0.0);
  // IoU exactly 0.75: thresholds .50 .. .75 (6 of 10) -> AP .6, AP75 1.
  auto three_q = make_set({"a"}, {{{gt(0, 0, 0, 100, 100)}, {det(0, 0, 0, 100, 75, 0.9)}}});
  const CocoResult r2 = evaluate_coco(three_q);
  EXPECT_NEAR(r2.stats[AP75], 1.0, kTol);
  EXPECT_NEAR(r2.stats[AP], 0.6, kTol);
  // IoU exactly 0.9 still passes the 9th threshold, which numpy makes 0.8999999999999999: AP .9.
  auto nine = make_set({"a"}, {{{gt(0, 0, 0, 100, 100)}, {det(0, 0, 0, 100, 90, 0.9)}}});
  EXPECT_NEAR(evaluate_coco(nine).stats[AP], 0.9, kTol);
}

TEST(CocoMetric, CrowdAbsorbsManyDetections) {
  // Image 1: a crowd region with two detections inside it (crowd IoU = inter / det area = 1):
  // both match the crowd and are ignored. Image 2: one object found at a lower score.
  // Without crowd handling the two would be FPs ranked first (AP 1/3); with it AP = 1.
  auto s = make_set({"a"}, {{{gt(0, 0, 0, 200, 200, true)}, {det(0, 0, 0, 50, 50, 0.9), det(0, 100, 100, 50, 50, 0.8)}},
                            {{gt(0, 0, 0, 100, 100)}, {det(0, 0, 0, 100, 100, 0.7)}}});
  const CocoResult r = evaluate_coco(s);
  EXPECT_NEAR(r.stats[AP], 1.0, kTol);
  EXPECT_NEAR(r.stats[AR100], 1.0, kTol);
}

TEST(CocoMetric, CrowdOnlyImagesGiveMinusOne) {
  // Only crowd ground truth: nothing is counted, every number is −1.
  auto s = make_set({"a"}, {{{gt(0, 0, 0, 200, 200, true)}, {det(0, 0, 0, 50, 50, 0.9)}}});
  const CocoResult r = evaluate_coco(s);
  for (double v : r.stats) EXPECT_EQ(v, -1.0);
  EXPECT_EQ(r.per_class_ap[0], -1.0);
}

TEST(CocoMetric, ClassWithoutGroundTruthIsLeftOut) {
  // Class b has only (false) detections and no ground truth: −1, left out of the mean, so
  // the stats are those of class a alone (AP 1).
  auto s = make_set({"a", "b"}, {{{gt(0, 0, 0, 100, 100)}, {det(0, 0, 0, 100, 100, 0.9), det(1, 0, 0, 100, 100, 0.95)}}});
  const CocoResult r = evaluate_coco(s);
  EXPECT_NEAR(r.stats[AP], 1.0, kTol);
  EXPECT_NEAR(r.per_class_ap[0], 1.0, kTol);
  EXPECT_EQ(r.per_class_ap[1], -1.0);
  EXPECT_EQ(r.precision(0, 0, 1, 0, 2), -1.0);
  EXPECT_EQ(r.recall(0, 1, 0, 2), -1.0);
}

TEST(CocoMetric, TiesInScoreKeepInputOrder) {
  // Same score: a FP listed first then the TP -> precision [0, .5], envelope .5 -> AP .5.
  // Listed the other way round -> precision [1, .5] -> AP 1 (pycocotools' stable mergesort).
  auto fp_first = make_set({"a"}, {{{gt(0, 0, 0, 100, 100)}, {det(0, 500, 500, 100, 100, 0.5), det(0, 0, 0, 100, 100, 0.5)}}});
  auto tp_first = make_set({"a"}, {{{gt(0, 0, 0, 100, 100)}, {det(0, 0, 0, 100, 100, 0.5), det(0, 500, 500, 100, 100, 0.5)}}});
  EXPECT_NEAR(evaluate_coco(fp_first).stats[AP], 0.5, kTol);
  EXPECT_NEAR(evaluate_coco(tp_first).stats[AP], 1.0, kTol);
}

TEST(CocoMetric, TiesAcrossImagesFollowImageIds) {
  // Image 1 holds a FP, image 2 the TP, both score .5: in image-id order FP first -> AP .5.
  // Giving image 2 the smaller id puts the TP first -> AP 1.
  auto s = make_set({"a"}, {{{gt(0, 0, 0, 100, 100)}, {det(0, 500, 500, 100, 100, 0.5)}},
                            {{gt(0, 0, 0, 100, 100)}, {det(0, 0, 0, 100, 100, 0.5)}}});
  // Two objects, one found: recall .5; precision [0, .5] -> envelope .5 up to recall .5.
  // q = .5 for recall thresholds 0 .. .5 (51 of 101) -> AP = .5 * 51/101.
  EXPECT_NEAR(evaluate_coco(s).stats[AP], 0.5 * 51 / 101, kTol);
  s.images[1].id = 0;
  // TP first: precision [1, .5] -> envelope 1 up to recall .5 -> AP = 51/101.
  EXPECT_NEAR(evaluate_coco(s).stats[AP], 51.0 / 101, kTol);
}

TEST(CocoMetric, AreaRangeBordersAreInclusive) {
  // 32x32 = 1024 is both small and medium; 96x96 = 9216 both medium and large.
  auto border32 = make_set({"a"}, {{{gt(0, 0, 0, 32, 32)}, {det(0, 0, 0, 32, 32, 0.9)}}});
  const CocoResult r = evaluate_coco(border32);
  EXPECT_NEAR(r.stats[APs], 1.0, kTol);
  EXPECT_NEAR(r.stats[APm], 1.0, kTol);
  EXPECT_EQ(r.stats[APl], -1.0);
  auto border96 = make_set({"a"}, {{{gt(0, 0, 0, 96, 96)}, {det(0, 0, 0, 96, 96, 0.9)}}});
  const CocoResult r2 = evaluate_coco(border96);
  EXPECT_EQ(r2.stats[APs], -1.0);
  EXPECT_NEAR(r2.stats[APm], 1.0, kTol);
  EXPECT_NEAR(r2.stats[APl], 1.0, kTol);
  // Just past the border (32 x 32.01) is medium only.
  auto past = make_set({"a"}, {{{gt(0, 0, 0, 32, 32.01)}, {det(0, 0, 0, 32, 32.01, 0.9)}}});
  EXPECT_EQ(evaluate_coco(past).stats[APs], -1.0);
}

TEST(CocoMetric, MoreThanMaxDetsPerImageAndClass) {
  // 100 non-overlapping FPs above the one exact detection: the TP is the 101st of its
  // (image, class) cell and is cut -> AP 0, AR100 0.
  std::vector<Detection> dets;
  for (int i = 0; i < 100; ++i) dets.push_back(det(0, 200 + i, 200, 10, 10, 0.9));
  dets.push_back(det(0, 0, 0, 100, 100, 0.1));
  auto s = make_set({"a"}, {{{gt(0, 0, 0, 100, 100)}, dets}});
  EXPECT_EQ(evaluate_coco(s).stats[AP], 0.0);
  EXPECT_EQ(evaluate_coco(s).stats[AR100], 0.0);
  // maxDets counts per class: the same 100 FPs in another class leave class a's TP in.
  for (int i = 0; i < 100; ++i) s.images[0].dets[std::size_t(i)].cls = 1;
  s.classes = {"a", "b"};
  const CocoResult r = evaluate_coco(s);
  EXPECT_NEAR(r.per_class_ap[0], 1.0, kTol);
  EXPECT_NEAR(r.stats[AP], 1.0, kTol);  // b has no ground truth: left out
}

TEST(CocoMetric, MaxDetsOneAndTen) {
  // 5 FPs above the TP: AR1 0, AR10 1; AP: precision 1/6 at recall 1 -> AP 1/6.
  std::vector<Detection> dets;
  for (int i = 0; i < 5; ++i) dets.push_back(det(0, 300 + 20 * i, 300, 10, 10, 0.9 - 0.01 * i));
  dets.push_back(det(0, 0, 0, 100, 100, 0.5));
  auto s = make_set({"a"}, {{{gt(0, 0, 0, 100, 100)}, dets}});
  const CocoResult r = evaluate_coco(s);
  EXPECT_EQ(r.stats[AR1], 0.0);
  EXPECT_NEAR(r.stats[AR10], 1.0, kTol);
  EXPECT_NEAR(r.stats[AP], 1.0 / 6, kTol);
}

TEST(CocoMetric, EmptySet) {
  EvalSet s;
  const CocoResult r = evaluate_coco(s);
  for (double v : r.stats) EXPECT_EQ(v, -1.0);
}

TEST(CocoMetric, ThreadCountDoesNotChangeResults) {
  auto s = make_set({"a", "b", "c"}, {{{gt(0, 0, 0, 100, 100), gt(1, 50, 50, 30, 30)}, {det(0, 5, 5, 100, 100, 0.7), det(1, 50, 50, 25, 30, 0.6)}},
                                      {{gt(2, 0, 0, 10, 10)}, {det(2, 1, 1, 10, 10, 0.3), det(0, 1, 1, 10, 10, 0.9)}}});
  const CocoResult one = evaluate_coco(s, CocoParams::defaults(), 1);
  const CocoResult four = evaluate_coco(s, CocoParams::defaults(), 4);
  EXPECT_EQ(one.stats, four.stats);
  EXPECT_EQ(one.precision_values, four.precision_values);
}

}  // namespace
}  // namespace autodet::eval
