// FCOS ResNet-50-FPN against torchvision 0.14 (Debian's python3-torchvision): the same
// state_dict, loaded by name, gives the same detections in eval mode and the same three losses
// in train mode; its matcher and box coder follow torchvision's rules.
#include <cmath>
#include <limits>
#include <set>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "models/fcos/fcos_detector.h"
#include "models/ops/box_coder.h"
#include "models/ops/focal_loss.h"
#include "models/pretrained.h"
#include "models/registry.h"
#include "models/weights/pth_file.h"
#include "rcnn_peer.h"
#include "test_util.h"

using namespace autodet;
using namespace autodet::models;
using autodet::testing::peer_tensor;
using autodet::testing::TempDir;

TEST(Fcos, MatchesTorchvision) {
  TempDir dir;
  FcosDetector det(autodet::testing::dense_peer_config<FcosConfig>());
  NamedTensors io;
  autodet::testing::load_dense_peer("fcos", 0.2, 0.6, det, dir.path(), io);
  if (IsSkipped() || HasFatalFailure()) return;
  auto images = peer_tensor(io, "images");

  det.module().eval();
  {
    torch::NoGradGuard ng;
    auto r = det.detect(images, DetectOptions{0.2, 0.6, 100}, nullptr);
    ASSERT_EQ(r.boxes.size(), 2u);
    autodet::testing::expect_peer_detections(r.boxes, io, "fcos");
  }

  det.module().train();
  std::vector<torch::Tensor> boxes, labels;
  for (int i = 0; i < 2; ++i) {
    boxes.push_back(peer_tensor(io, "gt_boxes_" + std::to_string(i)));
    labels.push_back(peer_tensor(io, "gt_labels_" + std::to_string(i)));
  }
  auto f = det.network()->forward(images, &boxes, &labels, false, FcosSettings{});
  autodet::testing::expect_peer_losses({{"classification", f.loss_classification},
                                        {"bbox_regression", f.loss_box_regression},
                                        {"bbox_ctrness", f.loss_centerness}},
                                       io, "fcos");
  (f.loss_classification + f.loss_box_regression + f.loss_centerness).backward();
  EXPECT_TRUE(det.network()->body->conv1->weight.grad().defined());
  EXPECT_TRUE(det.network()->head->regression->bbox_ctrness->weight.grad().defined());
  EXPECT_TRUE(det.network()->fpn->p7->weight.grad().defined());
}

TEST(Fcos, RegisteredNameBuildsWithTorchvisionTensorNames) {
  DetectorConfig c;
  c.num_classes = 2;
  c.pretrained = true;
  auto d = build_detector("fcos_resnet50_fpn", c);
  EXPECT_EQ(d->family(), "fcos_resnet50_fpn");
  EXPECT_EQ(d->loss_names(), (std::vector<std::string>{"classification", "bbox_regression", "bbox_ctrness"}));
  std::set<std::string> names;
  for (const auto& p : d->module().named_parameters(true)) names.insert(p.key());
  for (const char* n : {"backbone.body.layer4.2.conv3.weight", "backbone.fpn.inner_blocks.0.0.weight",
                        "backbone.fpn.extra_blocks.p6.weight", "backbone.fpn.extra_blocks.p7.bias",
                        "head.classification_head.conv.0.weight", "head.classification_head.conv.1.weight",
                        "head.classification_head.conv.10.bias", "head.classification_head.cls_logits.bias",
                        "head.regression_head.conv.9.weight", "head.regression_head.bbox_reg.weight",
                        "head.regression_head.bbox_ctrness.bias"})
    EXPECT_TRUE(names.count(n)) << "lacks " << n;
  auto* r = dynamic_cast<FcosDetector*>(d.get());
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->network()->head->classification->cls_logits->weight.size(0), 3);  // background + 2 classes
  EXPECT_NEAR(r->network()->head->classification->cls_logits->bias[0].item<double>(), -std::log(99.0), 1e-6);
  // One square anchor per location, the stride wide: 8 on P3 ... 128 on P7.
  for (std::size_t l = 0; l < 5; ++l) {
    auto cell = r->network()->anchor_generator.cell_anchors(l);
    ASSERT_EQ(cell.size(0), 1);
    EXPECT_FLOAT_EQ(cell[0][2].item<float>() - cell[0][0].item<float>(), float(8 << l));
  }
  EXPECT_EQ(d->architecture().value("center_sampling_radius", 0.0), 1.5);
}

// The matcher's rules on hand-made cases: inside the box and near its centre, the level's range,
// the smaller box winning.
TEST(Fcos, MatchFollowsCentreSamplingLevelRangesAndSmallestBox) {
  // Level 0: stride-8 anchors centred at 40 and 200; level 1 (the last): a stride-16 anchor at 40.
  auto anchors = torch::tensor({{36.f, 36.f, 44.f, 44.f}, {196.f, 196.f, 204.f, 204.f}, {32.f, 32.f, 48.f, 48.f}});
  const std::vector<std::int64_t> per_level{2, 1};
  // A 40-px box centred at 40: near anchor 0 (within 1.5 strides of 8) and anchor 2 (1.5 x 16).
  auto one = torch::tensor({{20.f, 20.f, 60.f, 60.f}});
  auto m = FcosImpl::match(anchors, one, per_level, 1.5);
  EXPECT_EQ(m[0].item<std::int64_t>(), 0);
  EXPECT_EQ(m[1].item<std::int64_t>(), -1);  // outside the box
  // Anchor 2 reaches 20 px, below its level's lower bound 4 x 16 = 64.
  EXPECT_EQ(m[2].item<std::int64_t>(), -1);
  // A box off-centre from anchor 0 by more than 1.5 strides is not learnt there.
  auto far = torch::tensor({{30.f, 30.f, 90.f, 90.f}});  // centre 60: 20 px > 12 away from 40
  EXPECT_EQ(FcosImpl::match(anchors, far, per_level, 1.5)[0].item<std::int64_t>(), -1);
  // Two boxes both valid at anchor 0: the smaller wins.
  auto two = torch::tensor({{16.f, 16.f, 64.f, 64.f}, {26.f, 26.f, 54.f, 54.f}});
  EXPECT_EQ(FcosImpl::match(anchors, two, per_level, 1.5)[0].item<std::int64_t>(), 1);
}

TEST(Fcos, LinearBoxCoderAndGiouLossAreTorchvisions) {
  auto refs = torch::tensor({{0.f, 0.f, 8.f, 8.f}, {16.f, 16.f, 48.f, 48.f}});
  auto boxes = torch::tensor({{-4.f, 2.f, 10.f, 12.f}, {10.f, 20.f, 40.f, 60.f}});
  auto d = LinearBoxCoder::encode(refs, boxes);
  // Distances from the centre (4, 4) over the width 8: (8, 2, 6, 8) / 8.
  EXPECT_TRUE(torch::allclose(d[0], torch::tensor({1.f, 0.25f, 0.75f, 1.f})));
  EXPECT_TRUE(torch::allclose(LinearBoxCoder::decode(d, refs), boxes));
  // GIoU loss: identical boxes 0; disjoint unit squares two apart: IoU 0, enclosing 3 x 1 with
  // union 2 -> GIoU -1/3, loss 4/3.
  auto a = torch::tensor({{0.f, 0.f, 1.f, 1.f}, {0.f, 0.f, 2.f, 2.f}});
  auto b = torch::tensor({{2.f, 0.f, 3.f, 1.f}, {0.f, 0.f, 2.f, 2.f}});
  auto l = generalized_box_iou_loss(a, b);
  EXPECT_NEAR(l[0].item<double>(), 4.0 / 3.0, 1e-6);
  EXPECT_NEAR(l[1].item<double>(), 0.0, 1e-6);
}
