// Faster R-CNN through the trainer and the predictor: a short run from random weights writes a
// package whose model.json rebuilds the same detector, and the predictor scores images from it.
#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <torch/torch.h>

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

TEST(RcnnTraining, TrainsWritesThePackageAndPredictsFromIt) {
  TempDir dir;
  SynthOptions o;
  o.images = 14;
  o.classes = 2;
  o.width = o.height = 160;
  o.seed = 4;
  Dataset all = generate_synthetic(o, dir.path());
  Dataset train, val;
  for (std::size_t i = 0; i < all.images.size(); ++i) (i < 10 ? train : val).images.push_back(all.images[i]);

  TrainConfig c;
  c.model_name = "fasterrcnn_resnet18_fpn";
  c.image_size = 160;
  c.min_size = 160;
  c.max_size = 1333;
  c.epochs = 2;
  c.batch_size = 2;
  c.validation_batch_size = 2;
  c.optimizer = "sgd";
  c.learning_rate = 0.005;
  c.precision = "fp32";
  c.device = "cpu";
  c.workers = 1;
  c.seed = 3;
  c.box_score_threshold = 0.01;
  c.log_validation_loss = true;
  TempDir out;
  Recorder rec;
  TrainResult r = train_detector(c, train, val, out.path(), false, {&rec});
  ASSERT_EQ(rec.epochs.size(), 2u);
  for (const auto& e : rec.epochs) {
    EXPECT_TRUE(std::isfinite(e.metrics.at("log_loss_train")));
    EXPECT_TRUE(e.metrics.count("mean_average_precision"));
  }
  ModelPackage p = read_model_package(r.package_dir);
  EXPECT_EQ(p.architecture["model_name"], "fasterrcnn_resnet18_fpn");
  EXPECT_EQ(p.architecture["min_size"], 160);
  EXPECT_EQ(p.architecture["batch_norm"], "trainable");

  PredictorOptions po;
  po.package_dir = r.package_dir;
  po.overrides = {{"box_score_thresh", 0.0}};
  Predictor pred(po, torch::kCPU);
  EXPECT_EQ(pred.detector().family(), "fasterrcnn_resnet18_fpn");
  std::vector<cv::Mat> images;
  for (const auto& im : val.images) images.push_back(cv::imread(im.path, cv::IMREAD_COLOR));
  auto dets = pred.predict(images);
  ASSERT_EQ(dets.size(), images.size());
  std::size_t boxes = 0;
  for (const auto& d : dets) {
    boxes += d.size();
    for (const auto& b : d) {
      EXPECT_GE(b.cls, 0);
      EXPECT_LT(b.cls, 2);
      EXPECT_LE(b.x0, b.x1);
    }
  }
  EXPECT_GT(boxes, 0u);
}
