// YOLOv5 loss: target assignment on a hand case, gains, finiteness, and overfitting two images.
#include <chrono>
#include <cmath>
#include <map>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/error.h"
#include "models/yolo/yolo_loss.h"
#include "models/yolo/yolov5.h"

using namespace autodet;
using namespace autodet::models;

namespace {

torch::Tensor default_anchors_grid() {
  auto a = yolov5_default_anchors();
  std::vector<float> flat;
  const float strides[3] = {8, 16, 32};
  for (int i = 0; i < 3; ++i)
    for (float v : a[std::size_t(i)]) flat.push_back(v / strides[i]);
  return torch::tensor(flat).view({3, 3, 2});
}

// Zero predictions for a 128 x 128 input, nc classes, batch b.
std::vector<torch::Tensor> zero_preds(int b, int nc) {
  return {torch::zeros({b, 3, 16, 16, nc + 5}), torch::zeros({b, 3, 8, 8, nc + 5}), torch::zeros({b, 3, 4, 4, nc + 5})};
}

}  // namespace

TEST(YoloLossTest, BuildTargetsHandCase) {
  YoloLoss loss(2, default_anchors_grid(), 128);
  // One 25.6 x 32 px box centred at (38.4, 89.6) of a 128 px image, class 1, image 0.
  auto targets = torch::tensor({0.f, 1.f, 0.3f, 0.7f, 0.2f, 0.25f}).view({1, 6});
  auto t = loss.build_targets(zero_preds(1, 2), targets);
  // P3 (16x16 grid): all 3 anchors pass the ratio test; the centre (4.8, 11.2) also goes to the
  // cell above (y fraction 0.2 < 0.5) and the one to the right (x fraction 0.8 > 0.5): 9 targets.
  // P4 (8x8): all 3 anchors, centre (2.4, 5.6) -> left and lower neighbours: 9. P5: ratios > 4: 0.
  ASSERT_EQ(t.image.size(), 3u);
  EXPECT_EQ(t.image[0].size(0), 9);
  EXPECT_EQ(t.image[1].size(0), 9);
  EXPECT_EQ(t.image[2].size(0), 0);
  // The first three P3 rows are the centre cell for anchors 0, 1, 2.
  EXPECT_EQ(t.gi[0][0].item<std::int64_t>(), 4);
  EXPECT_EQ(t.gj[0][0].item<std::int64_t>(), 11);
  EXPECT_EQ(t.anchor[0][2].item<std::int64_t>(), 2);
  EXPECT_EQ(t.cls[0][0].item<std::int64_t>(), 1);
  EXPECT_NEAR(t.box[0][0][0].item<float>(), 0.8f, 1e-5);
  EXPECT_NEAR(t.box[0][0][1].item<float>(), 0.2f, 1e-5);
  EXPECT_NEAR(t.box[0][0][2].item<float>(), 3.2f, 1e-5);
  EXPECT_NEAR(t.box[0][0][3].item<float>(), 4.0f, 1e-5);
  // Then the cell above (offset y 1.2 from it), then the cell to the right (offset x -0.2).
  EXPECT_EQ(t.gj[0][3].item<std::int64_t>(), 10);
  EXPECT_NEAR(t.box[0][3][1].item<float>(), 1.2f, 1e-5);
  EXPECT_EQ(t.gi[0][6].item<std::int64_t>(), 5);
  EXPECT_NEAR(t.box[0][6][0].item<float>(), -0.2f, 1e-5);
  EXPECT_NEAR(t.anchors[0][1][0].item<float>(), 16.f / 8.f, 1e-6);

  // A second, tiny box in image 1 (4 px): only P3 anchor 0 (1.25 x 1.625 cells vs 0.5 x 0.5) passes.
  auto two = torch::tensor({0.f, 1.f, 0.3f, 0.7f, 0.2f, 0.25f, 1.f, 0.f, 0.52f, 0.52f, 0.03125f, 0.03125f}).view({2, 6});
  auto t2 = loss.build_targets(zero_preds(2, 2), two);
  // Centre (8.32, 8.32) on P3: fractions 0.32 -> the left and upper neighbours too: 3 rows more.
  EXPECT_EQ(t2.image[0].size(0), 12);
  EXPECT_EQ((t2.image[0] == 1).sum().item<std::int64_t>(), 3);
  EXPECT_EQ(t2.image[1].size(0), 9);

  // No targets: empty assignments, finite loss (objectness only).
  auto none = loss.build_targets(zero_preds(1, 2), torch::zeros({0, 6}));
  EXPECT_EQ(none.image[0].size(0), 0);
  auto r = loss(zero_preds(1, 2), torch::zeros({0, 6}));
  EXPECT_TRUE(std::isfinite(r.loss.item<float>()));
  EXPECT_EQ(r.parts[0].item<float>(), 0.f);
  EXPECT_EQ(r.parts[2].item<float>(), 0.f);
}

TEST(YoloLossTest, GainsFollowUltralyticsScaling) {
  YoloLoss a(80, default_anchors_grid(), 640);
  EXPECT_DOUBLE_EQ(a.box_gain(), 0.05);
  EXPECT_DOUBLE_EQ(a.cls_gain(), 0.58);
  EXPECT_DOUBLE_EQ(a.obj_gain(), 1.0);
  YoloLoss b(4, default_anchors_grid(), 320);
  EXPECT_DOUBLE_EQ(b.cls_gain(), 0.58 * 4 / 80);
  EXPECT_DOUBLE_EQ(b.obj_gain(), 0.25);
  EXPECT_EQ(b.balance(), (std::vector<double>{4.0, 1.0, 0.4}));
  // Objectness loss of all-zero logits with no targets: BCE(0, 0) = log 2 per level, balanced.
  auto r = b(zero_preds(2, 4), torch::zeros({0, 6}));
  EXPECT_NEAR(r.parts[1].item<double>(), std::log(2.0) * (4.0 + 1.0 + 0.4) * 0.25, 1e-5);
  EXPECT_NEAR(r.loss.item<double>(), 2 * r.parts[1].item<double>(), 1e-5);  // times batch size
  EXPECT_THROW(b(zero_preds(1, 4), torch::tensor({0.f, 4.f, 0.5f, 0.5f, 0.1f, 0.1f}).view({1, 6})), UsageError);
  EXPECT_THROW(b(zero_preds(1, 4), torch::tensor({1.f, 0.f, 0.5f, 0.5f, 0.1f, 0.1f}).view({1, 6})), UsageError);
}

TEST(YoloLossTest, FiniteAndDecreasesWhenOverfitting) {
  torch::manual_seed(0);
  const int px = 128, nc = 2;
  YoloV5 model(config_for_size("nano", nc), 3);
  model->train();
  YoloLoss loss(model, px);
  // Two synthetic images: bright rectangles on grey, the targets their boxes.
  auto images = torch::full({2, 3, px, px}, 0.45f);
  images.index_put_({0, torch::indexing::Slice(), torch::indexing::Slice(20, 60), torch::indexing::Slice(30, 90)}, 0.95f);
  images.index_put_({1, torch::indexing::Slice(), torch::indexing::Slice(70, 120), torch::indexing::Slice(10, 40)}, 0.05f);
  images.index_put_({1, 0, torch::indexing::Slice(8, 28), torch::indexing::Slice(80, 100)}, 1.0f);
  auto targets = torch::tensor({0.f, 0.f, 60.f / px, 40.f / px, 60.f / px, 40.f / px,  //
                                1.f, 1.f, 25.f / px, 95.f / px, 30.f / px, 50.f / px,  //
                                1.f, 0.f, 90.f / px, 18.f / px, 20.f / px, 20.f / px})
                     .view({3, 6});
  torch::optim::Adam opt(model->parameters(), torch::optim::AdamOptions(2e-3));
  std::vector<double> history;
  const auto start = std::chrono::steady_clock::now();
  for (int step = 0; step < 30; ++step) {
    auto r = loss(model->forward(images), targets);
    ASSERT_TRUE(std::isfinite(r.loss.item<double>())) << step;
    ASSERT_TRUE(torch::isfinite(r.parts).all().item<bool>());
    opt.zero_grad();
    r.loss.backward();
    opt.step();
    history.push_back(r.loss.item<double>());
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("30 steps of yolov5n at %d px, batch 2: %.2f s; loss %.4f -> %.4f\n", px, secs, history.front(), history.back());
  const double first = (history[0] + history[1] + history[2]) / 3, last = (history[27] + history[28] + history[29]) / 3;
  EXPECT_LT(last, 0.6 * first);
}

TEST(YoloLossTest, LastOccurrenceMatchesAScan) {
  torch::manual_seed(3);
  for (int n : {0, 1, 2, 7, 300}) {
    auto keys = torch::randint(0, 25, {n}, torch::kLong);
    std::map<std::int64_t, std::int64_t> last;  // key -> last index, ascending by key
    for (int i = 0; i < n; ++i) last[keys[i].item<std::int64_t>()] = i;
    auto got = last_occurrence(keys);
    ASSERT_EQ(got.size(0), std::int64_t(last.size())) << n;
    std::size_t k = 0;
    for (const auto& [key, index] : last) {
      EXPECT_EQ(got[std::int64_t(k)].item<std::int64_t>(), index) << "n " << n << " key " << key;
      ++k;
    }
  }
}

TEST(YoloLossTest, TheLastOfTargetsSharingACellSetsItsObjectness) {
  // Two boxes of one image with the same centre, 20 and 24 px: both match the same anchors (all of
  // P3, two of P4, none of P5), so they share every (anchor, cell). Their IoUs with the zero
  // prediction differ, so the one written last decides the objectness targets.
  YoloLoss loss(2, default_anchors_grid(), 128);
  const float small[6] = {0.f, 0.f, 0.4f, 0.6f, 20.f / 128, 20.f / 128};
  const float big[6] = {0.f, 1.f, 0.4f, 0.6f, 24.f / 128, 24.f / 128};
  auto rows = [](std::initializer_list<const float*> boxes) {
    std::vector<float> flat;
    for (const float* b : boxes) flat.insert(flat.end(), b, b + 6);
    return torch::tensor(flat).view({std::int64_t(boxes.size()), 6});
  };
  // Objectness logits of 1.5 (at 0 the BCE is log 2 whatever the target).
  auto obj = [&](const torch::Tensor& targets) {
    auto preds = zero_preds(1, 2);
    for (auto& p : preds) p.select(4, 4).fill_(1.5);
    return loss(preds, targets).parts[1].item<double>();
  };
  auto a = loss.build_targets(zero_preds(1, 2), rows({small}));
  auto b = loss.build_targets(zero_preds(1, 2), rows({big}));
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(torch::equal(a.anchor[std::size_t(i)], b.anchor[std::size_t(i)])) << i;
  EXPECT_NEAR(obj(rows({small, big})), obj(rows({big})), 1e-6);
  EXPECT_NEAR(obj(rows({big, small})), obj(rows({small})), 1e-6);
  EXPECT_GT(std::abs(obj(rows({big})) - obj(rows({small}))), 1e-4);
}
