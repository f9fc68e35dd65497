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
  RetinaNetDetector det(autodet::testing::dense_peer_config<RetinaNetConfig>());
  NamedTensors io;
  autodet::testing::load_dense_peer("retinanet", 0.05, 0.5, det, dir.path(), io);
  if (IsSkipped() || HasFatalFailure()) return;
  auto images = peer_tensor(io, "images");

  det.module().eval();
  {
    torch::NoGradGuard ng;
    auto r = det.detect(images, DetectOptions{0.05, 0.5, 100}, nullptr);
    ASSERT_EQ(r.boxes.size(), 2u);
    autodet::testing::expect_peer_detections(r.boxes, io, "retinanet");
  }

  det.module().train();
  std::vector<torch::Tensor> boxes, labels;
  for (int i = 0; i < 2; ++i) {
    boxes.push_back(peer_tensor(io, "gt_boxes_" + std::to_string(i)));
    labels.push_back(peer_tensor(io, "gt_labels_" + std::to_string(i)));
  }
  auto f = det.network()->forward(images, &boxes, &labels, false, RetinaNetSettings{});
  autodet::testing::expect_peer_losses({{"classification", f.loss_classification}, {"bbox_regression", f.loss_box_regression}},
                                       io, "retinanet");
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
