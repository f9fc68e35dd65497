// The detector contract and the registry: YOLOv5 through the contract trains and detects exactly
// as the network and its loss called directly; families rebuild from their model.json.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/error.h"
#include "models/registry.h"
#include "models/yolo/postprocess.h"
#include "models/yolo/yolo_detector.h"
#include "models/yolo/yolo_loss.h"

using namespace autodet;
using namespace autodet::models;

namespace {

DetectorConfig nano(int classes, int image_size, std::uint64_t seed) {
  DetectorConfig c;
  c.model_size = "nano";
  c.num_classes = classes;
  c.image_size = image_size;
  c.init_seed = seed;
  return c;
}

torch::Tensor some_targets() {
  return torch::tensor({{0.f, 0.f, 0.5f, 0.5f, 0.3f, 0.4f}, {1.f, 1.f, 0.25f, 0.7f, 0.1f, 0.2f}, {1.f, 0.f, 0.6f, 0.3f, 0.5f, 0.2f}});
}

}  // namespace

TEST(DetectorContract, YoloStepsThroughTheContractAreBitEqualToTheNetworkAndLossCalledDirectly) {
  at::set_num_threads(1);
  auto detector = build_detector("yolov5", nano(2, 128, 5));
  YoloV5 direct(config_for_size("nano", 2), 5);
  YoloLoss direct_loss(direct, 128);
  torch::optim::SGD a(detector->module().parameters(), torch::optim::SGDOptions(0.01).momentum(0.9));
  torch::optim::SGD b(direct->parameters(), torch::optim::SGDOptions(0.01).momentum(0.9));
  detector->module().train();
  direct->train();
  torch::manual_seed(3);
  for (int step = 0; step < 5; ++step) {
    const torch::Tensor x = torch::rand({2, 3, 128, 128});
    a.zero_grad();
    LossResult ra = detector->losses(x, some_targets());
    ra.total.backward();
    a.step();
    b.zero_grad();
    std::vector<torch::Tensor> raw = direct->forward(x);
    for (auto& r : raw) r = r.to(torch::kFloat);
    YoloLossResult rb = direct_loss(raw, some_targets());
    rb.loss.backward();
    b.step();
    ASSERT_EQ(ra.total.item<float>(), rb.loss.item<float>()) << "step " << step;
    ASSERT_TRUE(torch::equal(ra.parts, rb.parts)) << "step " << step;
  }
}

TEST(DetectorContract, YoloDetectionsAreUltralyticsNmsOfTheDecodedOutput) {
  auto detector = build_detector("yolov5", nano(3, 96, 2));
  auto& yolo = dynamic_cast<YoloDetector&>(*detector);
  detector->module().eval();
  torch::NoGradGuard no_grad;
  const torch::Tensor x = torch::rand({2, 3, 96, 96});
  DetectOptions o;
  o.score_threshold = 0.001;
  o.max_detections = 50;
  DetectResult got = detector->detect(x, o, nullptr);
  YoloNmsOptions nms;
  nms.score_threshold = 0.001;
  nms.iou_threshold = o.iou_threshold;
  nms.max_detections = 50;
  auto want = yolo_non_max_suppression(yolo.network()->predict(x), nms);
  ASSERT_EQ(got.boxes.size(), 2u);
  EXPECT_FALSE(got.losses);
  for (std::size_t i = 0; i < 2; ++i) EXPECT_TRUE(torch::equal(got.boxes[i], want[i]));
  const torch::Tensor t = some_targets();
  EXPECT_TRUE(detector->detect(x, o, &t).losses.has_value());
}

TEST(DetectorContract, ArchitectureRebuildsTheSameDetector) {
  auto a = build_detector("yolov5", nano(4, 160, 9));
  const nlohmann::json arch = a->architecture();
  EXPECT_EQ(arch["model_name"], "yolov5");
  EXPECT_EQ(arch["preprocess"]["resize"], "letterbox");
  auto b = build_detector_from(arch, 4);
  EXPECT_EQ(b->family(), "yolov5");
  EXPECT_EQ(b->model_size(), "nano");
  EXPECT_EQ(b->preprocess().image_size, 160);
  EXPECT_EQ(b->architecture(), arch);
  // model.json written before it named the family: a YOLOv5.
  nlohmann::json old = arch;
  old.erase("model_name");
  old.erase("preprocess");
  EXPECT_EQ(build_detector_from(old, 4)->family(), "yolov5");
}

TEST(DetectorContract, RegistryNamesFamiliesAndRefusesUnknownOnes) {
  EXPECT_TRUE(is_registered_detector("yolov5"));
  EXPECT_FALSE(is_registered_detector("yolov9"));
  try {
    build_detector("yolov9", nano(1, 64, 0));
    FAIL() << "an unknown family was built";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("yolov5"), std::string::npos) << e.what();
  }
  EXPECT_THROW(build_detector("yolov5", nano(0, 64, 0)), UsageError);
  const FamilySpec& f = family_spec("yolov5");
  EXPECT_GT(f.forward_macs("nano", 320, 1), 0.0);
  EXPECT_LT(f.forward_macs("nano", 320, 1), f.forward_macs("small", 320, 1));
}

TEST(DetectorContract, YoloFreezeGroupsAreTheBackboneLayersInOrder) {
  auto d = build_detector("yolov5", nano(1, 64, 0));
  const auto groups = d->freeze_groups();
  ASSERT_EQ(groups.size(), 10u);
  EXPECT_EQ(groups.front(), "model.0.");
  EXPECT_EQ(freeze_layers(d->module(), groups, 1), 3);  // model.0: conv weight, bn weight and bias
}
