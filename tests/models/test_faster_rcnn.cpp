// Faster R-CNN ResNet-FPN against torchvision 0.14 (Debian's python3-torchvision): the same
// state_dict, loaded by name, gives the same detections in eval mode and the same four losses in
// train mode (both balanced samplers taking candidates in index order).
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "core/error.h"
#include "models/pretrained.h"
#include "models/rcnn/faster_rcnn_detector.h"
#include "models/registry.h"
#include "models/weights/pth_file.h"
#include "rcnn_peer.h"
#include "test_util.h"

using namespace autodet;
using namespace autodet::models;
using autodet::testing::TempDir;

namespace {

struct Case {
  std::string name;
  int depth;
  int classes;  // without background
  int height, width, min_size, max_size;
};

nlohmann::json peer_cases(const std::vector<Case>& cases) {
  nlohmann::json req = nlohmann::json::array();
  for (const auto& c : cases)
    req.push_back({{"name", c.name}, {"depth", c.depth}, {"num_classes", c.classes + 1}, {"seed", c.depth},
                   {"height", c.height}, {"width", c.width}, {"batch", 2}, {"min_size", c.min_size},
                   {"max_size", c.max_size}, {"score_thresh", 0.05}, {"nms_thresh", 0.5}, {"detections", 100}});
  return req;
}

using autodet::testing::peer_tensor;

void compare(const Case& c, const std::string& dir) {
  SCOPED_TRACE(c.name);
  FasterRcnnConfig cfg;
  cfg.depth = c.depth;
  cfg.num_classes = c.classes;
  cfg.min_size = c.min_size;
  cfg.max_size = c.max_size;
  cfg.image_size = 32 * ((std::max(c.height, c.width) + 31) / 32);
  FasterRcnnDetector det(cfg);
  const std::size_t loaded = load_whole_weights(det, dir + "/" + c.name + ".state.pth");
  EXPECT_GT(loaded, 100u);
  const NamedTensors io = read_pth(dir + "/" + c.name + ".io.pth");
  auto images = peer_tensor(io, "images");

  // Eval mode: detections one to one.
  det.module().eval();
  {
    torch::NoGradGuard ng;
    DetectOptions o{0.05, 0.5, 100};
    auto r = det.detect(images, o, nullptr);
    ASSERT_EQ(r.boxes.size(), 2u);
    for (int i = 0; i < 2; ++i) {
      auto tb = peer_tensor(io, "det_boxes_" + std::to_string(i)), ts = peer_tensor(io, "det_scores_" + std::to_string(i));
      auto tl = peer_tensor(io, "det_labels_" + std::to_string(i));
      auto mine = r.boxes[std::size_t(i)];
      ASSERT_EQ(mine.size(0), tb.size(0)) << "image " << i;
      ASSERT_GT(tb.size(0), 10);
      const auto m = autodet::testing::match_detections(mine.contiguous(), tb, ts, tl, 90);
      ASSERT_EQ(m.missing, -1) << "image " << i << ": torchvision's detection " << m.missing << " has no counterpart";
      const double worst_box = m.worst_box, worst_score = m.worst_score;
      const std::int64_t top = m.top;
      EXPECT_LT(worst_box, 1e-4) << "image " << i;
      EXPECT_LT(worst_score, 1e-4) << "image " << i;
      std::printf("%s image %d: top %lld of %lld detections matched, worst box difference %.2e, score %.2e\n",
                  c.name.c_str(), i, (long long)top, (long long)tb.size(0), worst_box, worst_score);
    }
  }

  // Train mode, samplers in index order: the four losses.
  det.module().train();
  det.network()->sampler_generator.reset();
  std::vector<torch::Tensor> boxes, labels;
  for (int i = 0; i < 2; ++i) {
    boxes.push_back(peer_tensor(io, "gt_boxes_" + std::to_string(i)));
    labels.push_back(peer_tensor(io, "gt_labels_" + std::to_string(i)));
  }
  auto f = det.network()->forward(images, &boxes, &labels, false, RcnnDetectSettings{});
  const std::pair<const char*, torch::Tensor> losses[] = {{"loss_classifier", f.loss_classifier},
                                                          {"loss_box_reg", f.loss_box_reg},
                                                          {"loss_objectness", f.loss_objectness},
                                                          {"loss_rpn_box_reg", f.loss_rpn_box_reg}};
  for (const auto& [name, value] : losses) {
    const double want = peer_tensor(io, name).item<double>(), got = value.item<double>();
    EXPECT_LT(std::abs(got - want) / std::abs(want), 1e-4) << name << ": " << got << " vs torchvision " << want;
    std::printf("%s %s: %.7g (torchvision %.7g)\n", c.name.c_str(), name, got, want);
  }
  // The total backpropagates into the whole trainable network.
  (f.loss_classifier + f.loss_box_reg + f.loss_objectness + f.loss_rpn_box_reg).backward();
  EXPECT_TRUE(det.network()->body->conv1->weight.grad().defined());
  EXPECT_TRUE(det.network()->box_predictor->cls_score->weight.grad().defined());
}

}  // namespace

TEST(FasterRcnn, MatchesTorchvisionForEveryResNetDepth) {
  TempDir dir;
  // ResNet-18 and -50 also resize (256x320 -> 288x360, padded to 288x384); the others do not.
  const std::vector<Case> cases = {{"r18", 18, 3, 256, 320, 288, 400}, {"r34", 34, 2, 224, 224, 224, 1333},
                                   {"r50", 50, 3, 256, 320, 288, 400}, {"r101", 101, 2, 224, 224, 224, 1333},
                                   {"r152", 152, 2, 224, 224, 224, 1333}};
  std::string why;
  const int rc = autodet::testing::run_rcnn_peer(peer_cases(cases), dir.path(), why);
  if (rc == 1) GTEST_SKIP() << "skipping comparison with torchvision: " << why;
  ASSERT_EQ(rc, 0) << why;
  for (const auto& c : cases) compare(c, dir.path());

  // Another architecture's state_dict is refused, naming the file and the tensor.
  FasterRcnnConfig r34;
  r34.depth = 34;
  r34.num_classes = 3;
  FasterRcnnDetector other(r34);
  try {
    load_whole_weights(other, dir / "r18.state.pth");
    ADD_FAILURE() << "ResNet-18 weights loaded into ResNet-34";
  } catch (const DataError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("r18.state.pth"), std::string::npos) << what;
    EXPECT_NE(what.find("backbone.body.layer"), std::string::npos) << what;
  }
}

TEST(FasterRcnn, RegisteredNamesBuildWithTorchvisionTensorNames) {
  for (int depth : {18, 34, 50, 101, 152}) {
    const std::string name = "fasterrcnn_resnet" + std::to_string(depth) + "_fpn";
    DetectorConfig c;
    c.num_classes = 2;
    c.pretrained = true;  // frozen BatchNorm, as when fine-tuning published weights
    auto d = build_detector(name, c);
    EXPECT_EQ(d->family(), name);
    std::set<std::string> names;
    for (const auto& p : d->module().named_parameters(true)) names.insert(p.key());
    for (const char* n : {"backbone.body.conv1.weight", "backbone.body.layer1.0.conv1.weight",
                          "backbone.fpn.inner_blocks.0.0.weight", "backbone.fpn.layer_blocks.3.0.bias",
                          "rpn.head.conv.0.0.weight", "rpn.head.cls_logits.weight", "roi_heads.box_head.fc6.weight",
                          "roi_heads.box_predictor.cls_score.weight", "roi_heads.box_predictor.bbox_pred.bias"})
      EXPECT_TRUE(names.count(n)) << name << " lacks " << n;
    // Frozen BatchNorm: statistics and affine terms are buffers, not parameters.
    EXPECT_FALSE(names.count("backbone.body.bn1.weight")) << name;
    // From random weights the BatchNorm trains: its affine terms are parameters.
    c.pretrained = false;
    auto scratch = build_detector(name, c);
    bool bn_trains = false;
    for (const auto& p : scratch->module().named_parameters(true)) bn_trains |= p.key() == "backbone.body.bn1.weight";
    EXPECT_TRUE(bn_trains) << name;
    // Three classes in the predictor: background + 2.
    auto* fr = dynamic_cast<FasterRcnnDetector*>(d.get());
    ASSERT_NE(fr, nullptr);
    EXPECT_EQ(fr->network()->box_predictor->cls_score->weight.size(0), 3);
  }
}

TEST(FasterRcnn, OldTorchvisionTensorNamesMapToTodays) {
  FasterRcnnConfig cfg;
  FasterRcnnDetector d(cfg);
  EXPECT_EQ(d.tensor_name("rpn.head.conv.weight"), "rpn.head.conv.0.0.weight");
  EXPECT_EQ(d.tensor_name("rpn.head.conv.bias"), "rpn.head.conv.0.0.bias");
  EXPECT_EQ(d.tensor_name("backbone.fpn.inner_blocks.2.weight"), "backbone.fpn.inner_blocks.2.0.weight");
  EXPECT_EQ(d.tensor_name("backbone.fpn.layer_blocks.0.bias"), "backbone.fpn.layer_blocks.0.0.bias");
  EXPECT_EQ(d.tensor_name("backbone.fpn.layer_blocks.0.0.bias"), "backbone.fpn.layer_blocks.0.0.bias");
  EXPECT_EQ(d.tensor_name("backbone.body.layer1.0.bn1.weight"), "backbone.body.layer1.0.bn1.weight");
}

// R4.1's example and the float32 rounding torchvision's scale has (reciprocal times min_size).
TEST(FasterRcnn, TransformResizesAsTorchvisionDoes) {
  RcnnTransform t;
  t.min_size = 600;
  auto b = t(torch::rand({1, 3, 499, 666}));
  EXPECT_EQ(b.image_sizes[0], (std::pair<std::int64_t, std::int64_t>{600, 800}));
  EXPECT_EQ(b.images.size(2), 608);
  EXPECT_EQ(b.images.size(3), 800);
  t.min_size = 320;
  b = t(torch::rand({1, 3, 432, 660}));
  EXPECT_EQ(b.image_sizes[0], (std::pair<std::int64_t, std::int64_t>{320, 488}));  // 319 with a plain division
  t.min_size = 800;
  t.max_size = 1000;
  b = t(torch::rand({2, 3, 100, 400}));  // the long side caps the scale
  EXPECT_EQ(b.image_sizes[1], (std::pair<std::int64_t, std::int64_t>{250, 1000}));
  EXPECT_EQ(b.images.size(2), 256);
  auto back = RcnnTransform::to_input(RcnnTransform::to_resized(torch::tensor({{10.f, 20.f, 30.f, 40.f}}), b), b);
  EXPECT_LT((back - torch::tensor({{10.f, 20.f, 30.f, 40.f}})).abs().max().item<double>(), 1e-4);
}
