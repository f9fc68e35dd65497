// RetinaNet ResNet-50-FPN against torchvision 0.14 (Debian's python3-torchvision): the same
// state_dict, loaded by name, gives the same detections in eval mode and the same two losses in
// train mode.
#include <cmath>
#include <cstdio>
#include <set>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "models/pretrained.h"
#include "models/registry.h"
#include "models/retinanet/retinanet_detector.h"
#include "models/weights/pth_file.h"
#include "rcnn_peer.h"
#include "test_util.h"

using namespace autodet;
using namespace autodet::models;
using autodet::testing::peer_tensor;
using autodet::testing::TempDir;

TEST(RetinaNet, MatchesTorchvision) {
  TempDir dir;
  // 256x320 resized to 288x360 (padded to 288x384): P3..P7 of 36x48 .. 3x3 cells.
  const int classes = 3, height = 256, width = 320, min_size = 288, max_size = 400;
  const nlohmann::json cases = nlohmann::json::array(
      {{{"name", "retina"}, {"model", "retinanet"}, {"depth", 50}, {"num_classes", classes + 1}, {"seed", 5},
        {"height", height}, {"width", width}, {"batch", 2}, {"min_size", min_size}, {"max_size", max_size},
        {"score_thresh", 0.05}, {"nms_thresh", 0.5}, {"detections", 100}}});
  std::string why;
  const int rc = autodet::testing::run_rcnn_peer(cases, dir.path(), why);
  if (rc == 1) GTEST_SKIP() << "skipping comparison with torchvision: " << why;
  ASSERT_EQ(rc, 0) << why;

  RetinaNetConfig cfg;
  cfg.num_classes = classes;
  cfg.min_size = min_size;
  cfg.max_size = max_size;
  cfg.image_size = 320;
  RetinaNetDetector det(cfg);
  EXPECT_GT(load_whole_weights(det, dir / "retina.state.pth"), 100u);
  const NamedTensors io = read_pth(dir / "retina.io.pth");
  auto images = peer_tensor(io, "images");

  det.module().eval();
  {
    torch::NoGradGuard ng;
    auto r = det.detect(images, DetectOptions{0.05, 0.5, 100}, nullptr);
    ASSERT_EQ(r.boxes.size(), 2u);
    for (int i = 0; i < 2; ++i) {
      const auto n = std::to_string(i);
      auto tb = peer_tensor(io, "det_boxes_" + n), ts = peer_tensor(io, "det_scores_" + n);
      auto tl = peer_tensor(io, "det_labels_" + n);
      ASSERT_GT(tb.size(0), 50) << "image " << i << ": the peer's heads are not decisive";
      EXPECT_EQ((tl == 0).sum().item<int>(), 0) << "the background column scored";
      ASSERT_EQ(r.boxes[std::size_t(i)].size(0), tb.size(0)) << "image " << i;
      const auto m = autodet::testing::match_detections(r.boxes[std::size_t(i)].contiguous(), tb, ts, tl, 90);
      ASSERT_EQ(m.missing, -1) << "image " << i << ": torchvision's detection " << m.missing << " has no counterpart";
      EXPECT_LT(m.worst_box, 1e-4) << "image " << i;
      EXPECT_LT(m.worst_score, 1e-4) << "image " << i;
      std::printf("retinanet image %d: top %lld of %lld detections matched, worst box difference %.2e, score %.2e\n",
                  i, (long long)m.top, (long long)tb.size(0), m.worst_box, m.worst_score);
    }
  }

  det.module().train();
  std::vector<torch::Tensor> boxes, labels;
  for (int i = 0; i < 2; ++i) {
    boxes.push_back(peer_tensor(io, "gt_boxes_" + std::to_string(i)));
    labels.push_back(peer_tensor(io, "gt_labels_" + std::to_string(i)));
  }
  auto f = det.network()->forward(images, &boxes, &labels, false, RetinaNetSettings{});
  const std::pair<const char*, torch::Tensor> losses[] = {{"classification", f.loss_classification},
                                                          {"bbox_regression", f.loss_box_regression}};
  for (const auto& [name, value] : losses) {
    const double want = peer_tensor(io, name).item<double>(), got = value.item<double>();
    EXPECT_LT(std::abs(got - want) / std::abs(want), 1e-4) << name << ": " << got << " vs torchvision " << want;
    std::printf("retinanet %s: %.7g (torchvision %.7g)\n", name, got, want);
  }
  (f.loss_classification + f.loss_box_regression).backward();
  EXPECT_TRUE(det.network()->body->conv1->weight.grad().defined());
  EXPECT_TRUE(det.network()->head->classification->last->weight.grad().defined());
  EXPECT_TRUE(det.network()->fpn->p7->weight.grad().defined());
}

TEST(RetinaNet, RegisteredNameBuildsWithTorchvisionTensorNames) {
  DetectorConfig c;
  c.num_classes = 2;
  c.pretrained = true;
  auto d = build_detector("retinanet_resnet50_fpn", c);
  EXPECT_EQ(d->family(), "retinanet_resnet50_fpn");
  EXPECT_EQ(d->loss_names(), (std::vector<std::string>{"classification", "bbox_regression"}));
  std::set<std::string> names;
  for (const auto& p : d->module().named_parameters(true)) names.insert(p.key());
  for (const char* n : {"backbone.body.layer4.2.conv3.weight", "backbone.fpn.inner_blocks.0.0.weight",
                        "backbone.fpn.layer_blocks.2.0.bias", "backbone.fpn.extra_blocks.p6.weight",
                        "backbone.fpn.extra_blocks.p7.bias", "head.classification_head.conv.3.0.weight",
                        "head.classification_head.cls_logits.bias", "head.regression_head.conv.0.0.bias",
                        "head.regression_head.bbox_reg.weight"})
    EXPECT_TRUE(names.count(n)) << "lacks " << n;
  EXPECT_FALSE(names.count("backbone.fpn.inner_blocks.3.0.weight")) << "C2 has no lateral in RetinaNet";
  auto* r = dynamic_cast<RetinaNetDetector*>(d.get());
  ASSERT_NE(r, nullptr);
  // 9 anchors x (background + 2 classes); the prior 0.01 on every logit.
  EXPECT_EQ(r->network()->head->classification->last->weight.size(0), 27);
  EXPECT_NEAR(r->network()->head->classification->last->bias[0].item<double>(), -std::log(99.0), 1e-6);
  // torchvision's anchor sizes: int(x * 2^(k/3)).
  auto cell = r->network()->anchor_generator.cell_anchors(0);
  EXPECT_EQ(cell.size(0), 9);
  // Ratio 1 (the middle three): half sides 16, 20, 25.
  EXPECT_FLOAT_EQ(cell[3][2].item<float>(), 16.f);
  EXPECT_FLOAT_EQ(cell[4][2].item<float>(), 20.f);
  EXPECT_FLOAT_EQ(cell[5][2].item<float>(), 25.f);
}

TEST(RetinaNet, OldTorchvisionTensorNamesMapToTodays) {
  RetinaNetDetector d(RetinaNetConfig{});
  EXPECT_EQ(d.tensor_name("head.classification_head.conv.0.weight"), "head.classification_head.conv.0.0.weight");
  EXPECT_EQ(d.tensor_name("head.classification_head.conv.6.bias"), "head.classification_head.conv.3.0.bias");
  EXPECT_EQ(d.tensor_name("head.regression_head.conv.4.weight"), "head.regression_head.conv.2.0.weight");
  EXPECT_EQ(d.tensor_name("head.regression_head.conv.2.0.weight"), "head.regression_head.conv.2.0.weight");
  EXPECT_EQ(d.tensor_name("backbone.fpn.inner_blocks.1.weight"), "backbone.fpn.inner_blocks.1.0.weight");
  EXPECT_EQ(d.tensor_name("head.regression_head.bbox_reg.weight"), "head.regression_head.bbox_reg.weight");
}
