// FastestDet through the trainer and the predictor: fine-tuning from the published COCO weights
// (random weights when they are absent), the package, and scoring it back.
#include <filesystem>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <torch/torch.h>

#include "core/fs.h"
#include "data/synth.h"
#include "deploy/predictor.h"
#include "package/model_package.h"
#include "test_util.h"
#include "train/trainer.h"

using namespace autodet;
using namespace autodet::testing;

namespace {

struct Recorder : TrainHook {
  std::vector<EpochSummary> epochs;
  void on_epoch_end(const EpochSummary& s) override { epochs.push_back(s); }
};

}  // namespace

TEST(FastestDetTraining, FineTunesWritesThePackageAndPredictsFromIt) {
  TempDir dir;
  SynthOptions o;
  o.images = 24;
  o.classes = 2;
  o.width = o.height = 160;
  o.seed = 11;
  Dataset all = generate_synthetic(o, dir.path());
  Dataset train, val;
  for (std::size_t i = 0; i < all.images.size(); ++i) (i < 18 ? train : val).images.push_back(all.images[i]);

  TrainConfig c;
  c.model_name = "fastestdet";
  c.model_size = "";
  c.image_size = 160;
  c.epochs = 2;
  c.batch_size = 6;
  c.validation_batch_size = 4;
  c.optimizer = "adamw";
  c.learning_rate = 0.002;
  c.warmup_epochs = 1;
  c.precision = "fp32";
  c.device = "cpu";
  c.workers = 2;
  c.seed = 5;
  c.box_score_threshold = 0.01;
  const std::string coco = std::string(AUTODET_SOURCE_DIR) + "/../shared/weights/fastestdet/fastestdet_coco_ap50_0.253.pth";
  if (std::filesystem::exists(coco)) c.start_weights = models::StartWeights{coco, "coco", "", true};
  else std::printf("%s is absent: training from random weights\n", coco.c_str());

  TempDir out;
  Recorder rec;
  TrainResult r = train_detector(c, train, val, out.path(), false, {&rec});
  ASSERT_EQ(rec.epochs.size(), 2u);
  for (const auto& e : rec.epochs) {
    EXPECT_TRUE(std::isfinite(e.metrics.at("log_loss_train")));
    EXPECT_TRUE(e.metrics.count("mean_average_precision"));
  }
  ModelPackage p = read_model_package(r.package_dir);
  EXPECT_EQ(p.architecture["model_name"], "fastestdet");
  EXPECT_EQ(p.architecture["image_size"], 160);
  EXPECT_EQ(p.architecture["preprocess"]["resize"], "stretch");

  PredictorOptions po;
  po.package_dir = r.package_dir;
  po.overrides = {{"box_score_thresh", 0.01}};
  Predictor pred(po, torch::kCPU);
  EXPECT_EQ(pred.detector().family(), "fastestdet");
  std::vector<cv::Mat> images;
  for (const auto& im : val.images) images.push_back(cv::imread(im.path, cv::IMREAD_COLOR));
  auto dets = pred.predict(images);
  ASSERT_EQ(dets.size(), images.size());
  std::size_t boxes = 0;
  for (std::size_t i = 0; i < dets.size(); ++i)
    for (const auto& d : dets[i]) {
      ++boxes;
      EXPECT_GE(d.x0, 0.0);
      EXPECT_LE(d.x1, double(images[i].cols));
      EXPECT_GE(d.score, 0.01);
      EXPECT_LT(d.cls, 2);
    }
  EXPECT_GT(boxes, 0u);
}
