// AutoAnchor: BPR on a hand case, refitting for elongated boxes, determinism per seed.
#include <gtest/gtest.h>

#include "core/rng.h"
#include "models/yolo/autoanchor.h"
#include "models/yolo/yolov5.h"

using namespace autodet;
using namespace autodet::models;

namespace {

std::vector<BoxSize> elongated_boxes(std::uint64_t seed, int n) {
  Rng rng(seed);
  std::vector<BoxSize> wh;
  for (int i = 0; i < n; ++i) {
    const float w = float(rng.uniform(150, 400));
    wh.push_back({w, w / float(rng.uniform(25, 40))});  // aspect 25..40
  }
  return wh;
}

}  // namespace

TEST(AutoAnchorTest, MetricHandCase) {
  const std::vector<BoxSize> wh = {{10, 10}, {100, 100}, {1000, 10}};
  auto one = anchor_metric(wh, {{10, 10}}, 4.0);
  EXPECT_NEAR(one.bpr, 1.0 / 3.0, 1e-12);
  EXPECT_NEAR(one.aat, 1.0 / 3.0, 1e-12);
  auto two = anchor_metric(wh, {{10, 10}, {50, 50}}, 4.0);
  EXPECT_NEAR(two.bpr, 2.0 / 3.0, 1e-12);  // 100 / 50 = 2 < 4
  EXPECT_NEAR(two.aat, 2.0 / 3.0, 1e-12);
  // A ratio of exactly thr does not fit (strictly above 1 / thr).
  EXPECT_NEAR(anchor_metric({{40, 10}}, {{10, 10}}, 4.0).bpr, 0.0, 1e-12);
  EXPECT_NEAR(anchor_metric({{39, 10}}, {{10, 10}}, 4.0).bpr, 1.0, 1e-12);
}

TEST(AutoAnchorTest, GoodAnchorsAreKept) {
  // Boxes sized like the default anchors themselves.
  std::vector<BoxSize> wh;
  for (const auto& level : yolov5_default_anchors())
    for (std::size_t i = 0; i < level.size(); i += 2) wh.push_back({level[i], level[i + 1]});
  Rng rng(1);
  auto r = check_anchors(wh, yolov5_default_anchors(), rng);
  EXPECT_FALSE(r.changed);
  EXPECT_EQ(r.anchors, yolov5_default_anchors());
  EXPECT_GT(r.before.bpr, 0.98);
  EXPECT_NE(r.report.find("good fit"), std::string::npos);
}

TEST(AutoAnchorTest, RefitsElongatedBoxes) {
  const auto wh = elongated_boxes(5, 400);
  Rng rng(11);
  auto r = check_anchors(wh, yolov5_default_anchors(), rng);
  std::printf("%s\n", r.report.c_str());
  EXPECT_LT(r.before.bpr, 0.5);
  ASSERT_TRUE(r.changed);
  EXPECT_GT(r.bpr_after, 0.98);
  ASSERT_EQ(r.anchors.size(), 3u);
  // Sorted by area, three per level, and elongated like the data.
  float prev = 0;
  for (const auto& level : r.anchors) {
    ASSERT_EQ(level.size(), 6u);
    for (std::size_t i = 0; i < 6; i += 2) {
      EXPECT_GE(level[i] * level[i + 1], prev);
      prev = level[i] * level[i + 1];
      EXPECT_GT(level[i] / level[i + 1], 5.f);
    }
  }
}

TEST(AutoAnchorTest, DeterministicForASeed) {
  const auto wh = elongated_boxes(9, 300);
  Rng a(3), b(3), c(4);
  auto ra = check_anchors(wh, yolov5_default_anchors(), a);
  auto rb = check_anchors(wh, yolov5_default_anchors(), b);
  auto rc = check_anchors(wh, yolov5_default_anchors(), c);
  EXPECT_EQ(ra.anchors, rb.anchors);
  EXPECT_EQ(ra.report, rb.report);
  EXPECT_NE(ra.anchors, rc.anchors);
  // kmean_anchors alone, with fewer boxes than anchors, still returns n sorted anchors.
  Rng d(1);
  auto few = kmean_anchors({{30, 40}, {100, 20}}, 9, d);
  EXPECT_EQ(few.size(), 9u);
}
