// Box conversions and IoU variants: hand values and agreement with torchvision.ops.
#include <cmath>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/rng.h"
#include "models/ops/box_ops.h"
#include "torchvision_peer.h"

using namespace autodet;
using namespace autodet::models;

namespace {

torch::Tensor random_xyxy(std::uint64_t seed, int n) {
  Rng rng(seed);
  std::vector<float> b;
  for (int i = 0; i < n; ++i) {
    const float x = float(rng.uniform(0, 100)), y = float(rng.uniform(0, 100));
    b.insert(b.end(), {x, y, x + float(rng.uniform(1, 50)), y + float(rng.uniform(1, 50))});
  }
  return torch::tensor(b).view({n, 4});
}

void expect_matrix_near(const torch::Tensor& got, const nlohmann::json& want, double tol) {
  ASSERT_EQ(got.size(0), std::int64_t(want.size()));
  auto g = got.to(torch::kDouble).contiguous();
  double worst = 0;
  for (std::size_t i = 0; i < want.size(); ++i) {
    ASSERT_EQ(g.size(1), std::int64_t(want[i].size()));
    for (std::size_t j = 0; j < want[i].size(); ++j)
      worst = std::max(worst, std::abs(g[std::int64_t(i)][std::int64_t(j)].item<double>() - want[i][j].get<double>()));
  }
  EXPECT_LE(worst, tol);
}

}  // namespace

TEST(BoxOpsTest, ConversionsRoundTrip) {
  auto xywh = torch::tensor({10.f, 20.f, 4.f, 6.f});
  auto xyxy = xywh_to_xyxy(xywh);
  EXPECT_TRUE(torch::equal(xyxy, torch::tensor({8.f, 17.f, 12.f, 23.f})));
  EXPECT_TRUE(torch::allclose(xyxy_to_xywh(xyxy), xywh));
  auto many = random_xyxy(1, 20).view({2, 10, 4});  // leading dims are kept
  EXPECT_TRUE(torch::allclose(xywh_to_xyxy(xyxy_to_xywh(many)), many, 1e-5, 1e-4));
  EXPECT_NEAR(box_area(torch::tensor({0.f, 0.f, 2.f, 3.f}).view({1, 4}))[0].item<float>(), 6.f, 0);
}

TEST(BoxOpsTest, IouHandValues) {
  auto a = torch::tensor({0.f, 0.f, 2.f, 2.f}).view({1, 4});
  auto b = torch::tensor({1.f, 1.f, 3.f, 3.f, 4.f, 4.f, 5.f, 5.f}).view({2, 4});
  auto iou = box_iou(a, b);
  EXPECT_NEAR(iou[0][0].item<float>(), 1.0 / 7.0, 1e-6);
  EXPECT_EQ(iou[0][1].item<float>(), 0.f);
  // GIoU: enclosing box 3x3 = 9, union 7 -> 1/7 - 2/9.
  EXPECT_NEAR(generalized_box_iou(a, b)[0][0].item<float>(), 1.0 / 7.0 - 2.0 / 9.0, 1e-6);
  // Identical boxes: every variant is 1 (up to eps).
  for (auto kind : {IouKind::IoU, IouKind::GIoU, IouKind::DIoU, IouKind::CIoU})
    EXPECT_NEAR(aligned_box_iou(a, a, kind, false)[0].item<float>(), 1.f, 1e-5);
  // Aligned variants agree with the pairwise matrices on matching rows.
  auto p = random_xyxy(2, 30), q = random_xyxy(3, 30);
  auto diag = [](const torch::Tensor& m) { return m.diagonal(); };
  EXPECT_TRUE(torch::allclose(aligned_box_iou(p, q, IouKind::IoU, false), diag(box_iou(p, q)), 1e-5, 1e-5));
  EXPECT_TRUE(torch::allclose(aligned_box_iou(p, q, IouKind::GIoU, false), diag(generalized_box_iou(p, q)), 1e-5, 1e-5));
  EXPECT_TRUE(torch::allclose(aligned_box_iou(p, q, IouKind::DIoU, false), diag(distance_box_iou(p, q)), 1e-5, 1e-5));
  EXPECT_TRUE(torch::allclose(aligned_box_iou(p, q, IouKind::CIoU, false), diag(complete_box_iou(p, q)), 1e-5, 1e-5));
  // xywh input gives the same as converting first.
  EXPECT_TRUE(torch::allclose(aligned_box_iou(xyxy_to_xywh(p), xyxy_to_xywh(q), IouKind::CIoU, true),
                              aligned_box_iou(p, q, IouKind::CIoU, false), 1e-5, 1e-5));
}

TEST(BoxOpsTest, CiouGradientFlowsAndAlphaIsConstant) {
  auto p = torch::tensor({5.f, 5.f, 4.f, 2.f}).view({1, 4}).requires_grad_(true);
  auto t = torch::tensor({6.f, 5.f, 3.f, 3.f}).view({1, 4});
  auto ciou = aligned_box_iou(p, t, IouKind::CIoU, true);
  (1 - ciou).sum().backward();
  EXPECT_TRUE(torch::isfinite(p.grad()).all().item<bool>());
  EXPECT_GT(p.grad().abs().sum().item<float>(), 0.f);
}

TEST(BoxOpsTest, MatchesTorchvision) {
  auto a = random_xyxy(11, 40), b = random_xyxy(12, 25);
  nlohmann::json req = nlohmann::json::array();
  req.push_back({{"boxes", autodet::testing::tensor_to_json(a)}, {"boxes2", autodet::testing::tensor_to_json(b)}});
  AUTODET_TORCHVISION_PEER(req, answers);
  const auto& ans = answers.at(0);
  expect_matrix_near(box_iou(a, b), ans["box_iou"], 1e-6);
  expect_matrix_near(generalized_box_iou(a, b), ans["generalized_box_iou"], 1e-6);
  if (ans.contains("distance_box_iou")) expect_matrix_near(distance_box_iou(a, b), ans["distance_box_iou"], 1e-6);
  if (ans.contains("complete_box_iou")) expect_matrix_near(complete_box_iou(a, b), ans["complete_box_iou"], 1e-6);
}
