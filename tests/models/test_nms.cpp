// NMS: hand cases, torchvision agreement (run through the system Python), YOLOv5 post-processing.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/error.h"
#include "core/rng.h"
#include "models/ops/nms.h"
#include "models/yolo/postprocess.h"
#include "torchvision_peer.h"

using namespace autodet;
using namespace autodet::models;

namespace {

struct RandomBoxes {
  torch::Tensor boxes, scores, idxs;
};

// n boxes in a 200 x 200 field, sizes 5..60 (so many overlap); scores quantised to 1/50 when
// `ties` (many equal scores, to check the tie order), else continuous.
RandomBoxes random_boxes(std::uint64_t seed, int n, int classes, bool ties) {
  Rng rng(seed);
  std::vector<float> b, s;
  std::vector<std::int64_t> c;
  for (int i = 0; i < n; ++i) {
    const float x = float(rng.uniform(0, 200)), y = float(rng.uniform(0, 200));
    const float w = float(rng.uniform(5, 60)), h = float(rng.uniform(5, 60));
    b.insert(b.end(), {x, y, x + w, y + h});
    s.push_back(ties ? float(rng.below(50)) / 50.0f : float(rng.uniform()));
    c.push_back(std::int64_t(rng.below(std::uint64_t(classes))));
  }
  return {torch::tensor(b).view({n, 4}), torch::tensor(s), torch::tensor(c, torch::kLong)};
}

std::vector<std::int64_t> to_vec(const torch::Tensor& t) {
  auto c = t.to(torch::kCPU).contiguous();
  return std::vector<std::int64_t>(c.data_ptr<std::int64_t>(), c.data_ptr<std::int64_t>() + c.numel());
}

}  // namespace

TEST(NmsTest, HandCase) {
  auto boxes = torch::tensor({0.f, 0.f, 10.f, 10.f, 1.f, 1.f, 11.f, 11.f, 50.f, 50.f, 60.f, 60.f, 0.f, 0.f, 10.f, 9.f}).view({4, 4});
  auto scores = torch::tensor({0.9f, 0.8f, 0.7f, 0.95f});
  // Box 3 (highest) suppresses 0 (IoU 0.9) and 1 (IoU 0.6); box 2 is alone.
  EXPECT_EQ(to_vec(nms(boxes, scores, 0.5)), (std::vector<std::int64_t>{3, 2}));
  // With a high threshold nothing is suppressed; the order is by score.
  EXPECT_EQ(to_vec(nms(boxes, scores, 0.95)), (std::vector<std::int64_t>{3, 0, 1, 2}));
  // Classes keep overlapping boxes of different classes apart.
  auto idxs = torch::tensor({0, 1, 0, 0}, torch::kLong);
  EXPECT_EQ(to_vec(batched_nms(boxes, scores, idxs, 0.5)), (std::vector<std::int64_t>{3, 1, 2}));
  EXPECT_EQ(to_vec(per_class_nms(boxes, scores, idxs, 0.5)), (std::vector<std::int64_t>{3, 1, 2}));
}

TEST(NmsTest, ThresholdIsStrictAndTiesKeepIndexOrder) {
  // IoU exactly 0.5: suppressed only when the threshold is below 0.5.
  auto boxes = torch::tensor({0.f, 0.f, 4.f, 1.f, 0.f, 0.f, 2.f, 1.f}).view({2, 4});
  auto scores = torch::tensor({0.5f, 0.5f});
  EXPECT_EQ(to_vec(nms(boxes, scores, 0.5)), (std::vector<std::int64_t>{0, 1}));
  EXPECT_EQ(to_vec(nms(boxes, scores, 0.49)), (std::vector<std::int64_t>{0}));
}

TEST(NmsTest, EmptyAndDoubleInputs) {
  EXPECT_EQ(nms(torch::zeros({0, 4}), torch::zeros({0}), 0.5).numel(), 0);
  EXPECT_EQ(per_class_nms(torch::zeros({0, 4}), torch::zeros({0}), torch::zeros({0}, torch::kLong), 0.5).numel(), 0);
  auto r = random_boxes(3, 50, 3, false);
  EXPECT_EQ(to_vec(nms(r.boxes.to(torch::kDouble), r.scores.to(torch::kDouble), 0.5)),
            to_vec(nms(r.boxes, r.scores, 0.5)));
  EXPECT_THROW(nms(torch::zeros({3, 3}), torch::zeros({3}), 0.5), autodet::UsageError);
}

TEST(NmsTest, MatchesTorchvision) {
  // 600 boxes with many tied scores; 1500 boxes (torchvision's batched_nms then switches to its
  // per-class loop) at two thresholds. One Python process answers all cases.
  struct Case {
    RandomBoxes r;
    double thr;
  };
  const std::vector<Case> cases = {{random_boxes(42, 600, 4, true), 0.45},
                                   {random_boxes(7, 1500, 10, false), 0.3},
                                   {random_boxes(7, 1500, 10, false), 0.7}};
  nlohmann::json req = nlohmann::json::array();
  for (const auto& c : cases)
    req.push_back({{"boxes", autodet::testing::tensor_to_json(c.r.boxes)},
                   {"scores", autodet::testing::tensor_to_json(c.r.scores)},
                   {"idxs", autodet::testing::tensor_to_json(c.r.idxs)},
                   {"iou_threshold", c.thr}});
  AUTODET_TORCHVISION_PEER(req, ans);
  ASSERT_EQ(ans.size(), cases.size());
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const auto& r = cases[i].r;
    const double thr = cases[i].thr;
    const auto expected_nms = ans[i]["nms"].get<std::vector<std::int64_t>>();
    const auto expected_batched = ans[i]["batched_nms"].get<std::vector<std::int64_t>>();
    EXPECT_GT(expected_nms.size(), 50u);
    EXPECT_EQ(to_vec(nms(r.boxes, r.scores, thr)), expected_nms) << "case " << i;
    EXPECT_EQ(to_vec(batched_nms(r.boxes, r.scores, r.idxs, thr)), expected_batched) << "case " << i;
    EXPECT_EQ(to_vec(per_class_nms(r.boxes, r.scores, r.idxs, thr)), expected_batched) << "case " << i;
  }
}

TEST(NmsYoloPostprocess, ScoreIsObjTimesClassStrictlyAboveThreshold) {
  // (1, 4, 5 + 2): xywh, obj, cls0, cls1.
  auto pred = torch::tensor({
                                50.f, 50.f, 20.f, 20.f, 0.9f, 0.9f, 0.1f,  // score 0.81 class 0
                                52.f, 50.f, 20.f, 20.f, 0.8f, 0.9f, 0.2f,  // overlaps the first: suppressed
                                52.f, 50.f, 20.f, 20.f, 0.8f, 0.2f, 0.9f,  // same place, class 1: kept (0.72)
                                10.f, 10.f, 4.f, 4.f, 0.5f, 0.2f, 0.2f,    // score exactly 0.1: dropped (R6.2)
                                150.f, 150.f, 20.f, 20.f, 0.9f, 0.6f, 0.5f,  // alone: 0.54 class 0 (and 0.45 class 1)
                            })
                  .view({1, 5, 7});
  YoloNmsOptions o;
  o.score_threshold = 0.1;
  o.iou_threshold = 0.5;
  auto out = yolo_non_max_suppression(pred, o);
  ASSERT_EQ(out.size(), 1u);
  ASSERT_EQ(out[0].size(0), 3);
  EXPECT_NEAR(out[0][0][4].item<float>(), 0.81f, 1e-6);
  EXPECT_EQ(out[0][0][5].item<float>(), 0.f);
  EXPECT_NEAR(out[0][0][0].item<float>(), 40.f, 1e-6);  // x0 = cx - w/2
  EXPECT_NEAR(out[0][0][3].item<float>(), 60.f, 1e-6);  // y1 = cy + h/2
  EXPECT_NEAR(out[0][1][4].item<float>(), 0.72f, 1e-6);
  EXPECT_EQ(out[0][1][5].item<float>(), 1.f);
  EXPECT_NEAR(out[0][2][4].item<float>(), 0.54f, 1e-6);
  // Agnostic NMS lets the higher box suppress the other class too.
  o.agnostic = true;
  EXPECT_EQ(yolo_non_max_suppression(pred, o)[0].size(0), 2);
  // Multi-label: every (box, class) above the threshold is a candidate.
  o.agnostic = false;
  o.multi_label = true;
  o.score_threshold = 0.15;
  auto ml = yolo_non_max_suppression(pred, o)[0];
  // class 0: 0.81 (suppresses rows 1 and 2), 0.54; class 1: 0.72 (suppresses row 1's 0.16), 0.45.
  ASSERT_EQ(ml.size(0), 4);
  EXPECT_NEAR(ml[3][4].item<float>(), 0.45f, 1e-6);
  // max_detections caps the output.
  o.multi_label = false;
  o.max_detections = 1;
  EXPECT_EQ(yolo_non_max_suppression(pred, o)[0].size(0), 1);
}

TEST(NmsYoloPostprocess, EmptyImagesGiveEmptyRows) {
  auto pred = torch::zeros({2, 10, 8});
  auto out = yolo_non_max_suppression(pred);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].size(0), 0);
  EXPECT_EQ(out[0].size(1), 6);
}
