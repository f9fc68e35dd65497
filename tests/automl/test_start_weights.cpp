// Where training starts: pretrained_weights (auto, coco, imagenet, none, a file) and
// checkpoint_filename, looked up in the weights folder.
#include <cstdlib>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "automl/start_weights.h"
#include "core/error.h"
#include "core/fs.h"
#include "models/registry.h"
#include "models/yolo/yolov5.h"
#include "package/weight_file.h"
#include "test_util.h"

using namespace autodet;
using namespace autodet::testing;

namespace {

// A family publishing a COCO detector and an ImageNet backbone, for the lookup alone.
void register_published_family() {
  models::FamilySpec f = models::family_spec("yolov5");
  f.name = "published_test_family";
  f.sizes.clear();
  f.weights = {models::WeightSource{"coco", "", "det_coco.pth", "https://example.org/det_coco.pth", "", "MIT", "", {}},
               models::WeightSource{"imagenet", "", "backbone.pth", "", "", "MIT", "backbone.", {}}};
  models::register_family(f);
}

using WeightsFolder = ScopedWeightsFolder;

TrainingParams params_for(const std::string& family, const std::string& pretrained) {
  TrainingParams p;
  p.model_name = family;
  p.pretrained_weights = pretrained;
  return p;
}

}  // namespace

TEST(StartWeights, NoneAndFamiliesWithoutPublishedWeightsStartFromRandomWeights) {
  WeightsFolder w;
  StartChoice none = choose_start_weights(params_for("yolov5", "none"));
  EXPECT_FALSE(none.start);
  EXPECT_TRUE(none.init_weights.empty());
  models::FamilySpec f = models::family_spec("yolov5");
  f.name = "unpublished_test_family";
  f.weights.clear();
  models::register_family(f);
  StartChoice unpublished = choose_start_weights(params_for("unpublished_test_family", "auto"));
  EXPECT_FALSE(unpublished.start);
  EXPECT_NE(unpublished.note.find("random weights"), std::string::npos) << unpublished.note;
}

TEST(StartWeights, YoloV5StartsFromUltralyticsCocoCheckpointOfItsSize) {
  WeightsFolder w;
  TrainingParams nano = params_for("yolov5", "auto");
  nano.model_size = "nano";
  try {
    choose_start_weights(nano);
    FAIL() << "missing weights were not reported";
  } catch (const DataError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("yolov5/yolov5n_coco_v6.1.pt"), std::string::npos) << m;
    EXPECT_NE(m.find("autodet weights pull yolov5-nano-coco"), std::string::npos) << m;
    EXPECT_NE(m.find("https://github.com/ultralytics/yolov5/releases/download/v6.1/yolov5n.pt"), std::string::npos) << m;
  }
  make_dirs(w / "yolov5");
  write_text(w / "yolov5/yolov5n_coco_v6.1.pt", "x");
  StartChoice c = choose_start_weights(nano);
  ASSERT_TRUE(c.start);
  EXPECT_EQ(c.start->kind, "coco");
  EXPECT_TRUE(c.start->whole);  // the detection layer is re-initialised, the anchors kept
  TrainingParams small = nano;
  small.model_size = "small";
  EXPECT_THROW(choose_start_weights(small), DataError);  // its file is not there
  small.pretrained_weights = "imagenet";
  EXPECT_THROW(choose_start_weights(small), UsageError);  // Ultralytics publishes no backbone alone
}

TEST(StartWeights, AutoPicksTheFirstPublishedFileFoundAndFailsNamingTheMissingOne) {
  register_published_family();
  WeightsFolder w;
  try {
    choose_start_weights(params_for("published_test_family", "auto"));
    FAIL() << "missing weights were not reported";
  } catch (const DataError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("det_coco.pth"), std::string::npos) << m;
    EXPECT_NE(m.find("https://example.org/det_coco.pth"), std::string::npos) << m;
    EXPECT_NE(m.find("pretrained_weights: none"), std::string::npos) << m;
  }
  write_text(w / "backbone.pth", "x");
  StartChoice backbone = choose_start_weights(params_for("published_test_family", "auto"));
  ASSERT_TRUE(backbone.start);
  EXPECT_EQ(backbone.start->kind, "imagenet");
  EXPECT_EQ(backbone.start->prefix, "backbone.");
  EXPECT_FALSE(backbone.start->whole);
  write_text(w / "det_coco.pth", "x");
  StartChoice coco = choose_start_weights(params_for("published_test_family", "auto"));
  ASSERT_TRUE(coco.start);
  EXPECT_EQ(coco.start->kind, "coco");
  EXPECT_TRUE(coco.start->whole);
  EXPECT_EQ(coco.start->path, join_path(w.path(), "det_coco.pth"));
  StartChoice imagenet = choose_start_weights(params_for("published_test_family", "imagenet"));
  ASSERT_TRUE(imagenet.start);
  EXPECT_EQ(imagenet.start->kind, "imagenet");
  EXPECT_THROW(choose_start_weights(params_for("yolov5", "imagenet")), UsageError);
}

TEST(StartWeights, AFileIsReadAsPyTorchsUnlessItIsAnAutodetWeightFile) {
  WeightsFolder w;
  EXPECT_THROW(choose_start_weights(params_for("yolov5", w / "nope.pth")), DataError);
  write_text(w / "user.pth", "not checked here");
  StartChoice user = choose_start_weights(params_for("yolov5", w / "user.pth"));
  ASSERT_TRUE(user.start);
  EXPECT_EQ(user.start->kind, "file");
  models::YoloV5 net(models::config_for_size("nano", 1), 1);
  save_weights(w / "model.pt", *net, {{"architecture", {{"model_name", "yolov5"}}}});
  TrainingParams p = params_for("yolov5", "none");
  p.checkpoint_filename = w / "model.pt";
  StartChoice own = choose_start_weights(p);
  EXPECT_FALSE(own.start);
  EXPECT_EQ(own.init_weights, w / "model.pt");
}
