// Test-time augmentation: the passes each setting runs, weighted box fusion, and the predictor
// running mirrored and rescaled passes on a real YOLOv5-nano package (seeded, untrained weights).
#include <cmath>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "core/error.h"
#include "deploy/predictor.h"
#include "package/image_detect.h"
#include "package/inference_settings.h"
#include "package/test_time_augmentation.h"
#include "test_util.h"

using namespace autodet;
using namespace autodet::testing;

namespace {

Detection det(double x0, double y0, double x1, double y1, int cls, double score) {
  Detection d;
  d.x0 = x0;
  d.y0 = y0;
  d.x1 = x1;
  d.y1 = y1;
  d.cls = cls;
  d.score = score;
  return d;
}


}  // namespace

TEST(TestTimeAugmentation, PassesOfEachSetting) {
  using T = TestTimeAugmentation;
  EXPECT_EQ(augmented_passes(T::none, 416, true), (std::vector<AugmentedPass>{{416, false}}));
  EXPECT_EQ(augmented_passes(T::flip, 416, true), (std::vector<AugmentedPass>{{416, false}, {416, true}}));
  // 0.85 x 416 = 353.6 -> 352, 1.15 x 416 = 478.4 -> 480; the plain pass first.
  EXPECT_EQ(augmented_passes(T::multi_scale_flip, 416, true),
            (std::vector<AugmentedPass>{{416, false}, {416, true}, {352, false}, {352, true}, {480, false}, {480, true}}));
  // A size that rounds back to itself is not run twice; a family that resizes itself only mirrors.
  EXPECT_EQ(augmented_passes(T::multi_scale_flip, 32, true), (std::vector<AugmentedPass>{{32, false}, {32, true}}));
  EXPECT_EQ(augmented_passes(T::multi_scale_flip, 640, false), (std::vector<AugmentedPass>{{640, false}, {640, true}}));
  EXPECT_EQ(parse_test_time_augmentation("Multi-Scale-Flip"), T::multi_scale_flip);
  EXPECT_FALSE(parse_test_time_augmentation("auto"));
}

TEST(TestTimeAugmentation, WeightedBoxFusionAveragesOverlappingBoxesByScore) {
  // Two passes: one object found by both (class 0), one found by one pass only (class 0, far
  // away), and a box of class 1 over the first object, which stays apart.
  std::vector<Detection> d{det(10, 10, 50, 50, 0, 0.8), det(14, 10, 54, 50, 0, 0.4), det(200, 200, 240, 260, 0, 0.6),
                           det(10, 10, 50, 50, 1, 0.5)};
  const ImageDetections f = fuse_boxes(d, 2, 0.5);
  ASSERT_EQ(f.size(), 3u);
  // (0.8 x 10 + 0.4 x 14) / 1.2 = 11.333; score (0.8 + 0.4) / 2.
  EXPECT_NEAR(f[0].x0, 34.0 / 3.0, 1e-9);
  EXPECT_NEAR(f[0].x1, (0.8 * 50 + 0.4 * 54) / 1.2, 1e-9);
  EXPECT_NEAR(f[0].y0, 10, 1e-9);
  EXPECT_NEAR(f[0].score, 0.6, 1e-9);
  EXPECT_EQ(f[0].cls, 0);
  // Found by one of two passes: half its score (0.6 -> 0.3, and class 1's 0.5 -> 0.25).
  EXPECT_EQ(f[1].cls, 0);
  EXPECT_NEAR(f[1].score, 0.3, 1e-9);
  EXPECT_NEAR(f[1].x0, 200, 1e-9);
  EXPECT_EQ(f[2].cls, 1);
  EXPECT_NEAR(f[2].score, 0.25, 1e-9);
  // Below the IoU threshold nothing fuses; a cluster scores at most its members' mean.
  EXPECT_EQ(fuse_boxes({det(0, 0, 10, 10, 0, 0.9), det(6, 0, 16, 10, 0, 0.9)}, 2, 0.5).size(), 2u);
  const auto three = fuse_boxes({det(0, 0, 10, 10, 0, 0.9), det(0, 0, 10, 10, 0, 0.6), det(0, 0, 10, 10, 0, 0.3)}, 2, 0.5);
  ASSERT_EQ(three.size(), 1u);
  EXPECT_NEAR(three[0].score, 0.6, 1e-9);
}

TEST(TestTimeAugmentation, SettingIsParsedAndWritten) {
  const SettingsLimits limits;
  InferenceSettings s = apply_settings(InferenceSettings{}, {{"tta", "flip"}}, limits, true);
  EXPECT_EQ(s.test_time_augmentation, TestTimeAugmentation::flip);
  EXPECT_EQ(s.to_json()["test_time_augmentation"], "flip");
  EXPECT_EQ(InferenceSettings{}.to_json()["test_time_augmentation"], "none");
  EXPECT_THROW(apply_settings(InferenceSettings{}, {{"test_time_augmentation", "rotate"}}, limits, true), UsageError);
  EXPECT_THROW(apply_settings(InferenceSettings{}, {{"test_time_augmentation", 2}}, limits, true), UsageError);
}

// A detector that is plain arithmetic: the box around the pure red pixels of each input, score 0.9.
// Its boxes are exact, so a mirrored or rescaled pass mapped back wrongly would show as a second,
// shifted box with half the score.
DetectionModel red_box_model() {
  DetectionModel m;
  m.detect = [](const torch::Tensor& x, const models::DetectOptions&) {
    std::vector<torch::Tensor> out;
    for (std::int64_t b = 0; b < x.size(0); ++b) {
      const auto red = ((x[b][0] > 0.8) & (x[b][1] < 0.2) & (x[b][2] < 0.2)).nonzero();
      if (red.size(0) == 0) {
        out.push_back(torch::zeros({0, 6}));
        continue;
      }
      const auto ys = red.select(1, 0).to(torch::kFloat), xs = red.select(1, 1).to(torch::kFloat);
      out.push_back(torch::stack({xs.min(), ys.min(), xs.max() + 1, ys.max() + 1, torch::tensor(0.9f), torch::tensor(0.f)})
                        .unsqueeze(0));
    }
    return out;
  };
  return m;
}

TEST(TestTimeAugmentation, MirroredAndRescaledPassesMapBackOntoThePlainOne) {
  cv::Mat im(120, 200, CV_8UC3, cv::Scalar::all(114));
  cv::rectangle(im, cv::Rect(20, 30, 40, 60), cv::Scalar(0, 0, 255), cv::FILLED);  // BGR red, x 20..60, y 30..90
  InferenceSettings s;
  s.img_size = 160;
  for (auto t : {TestTimeAugmentation::none, TestTimeAugmentation::flip, TestTimeAugmentation::multi_scale_flip}) {
    s.test_time_augmentation = t;
    ForwardStats stats;
    const auto d = detect_images(red_box_model(), {im}, s, torch::kCPU, 4, &stats)[0];
    EXPECT_EQ(stats.passes, std::int64_t(augmented_passes(t, 160, true).size())) << to_string(t);
    ASSERT_EQ(d.size(), 1u) << to_string(t);  // every pass found the same box: one cluster
    EXPECT_NEAR(d[0].score, 0.9, 1e-6) << to_string(t);
    EXPECT_NEAR(d[0].x0, 20, 1.5) << to_string(t);
    EXPECT_NEAR(d[0].x1, 60, 1.5) << to_string(t);
    EXPECT_NEAR(d[0].y0, 30, 1.5) << to_string(t);
    EXPECT_NEAR(d[0].y1, 90, 1.5) << to_string(t);
  }
}

// On a real YOLOv5-nano package (seeded, untrained weights): every pass runs, boxes stay inside
// the image, by decreasing score.
TEST(TestTimeAugmentation, APackageRunsEveryPass) {
  TempDir t;
  write_untrained_package(t / "pkg", "nano", {"bird", "cat", "dog"}, 128, 7,
                          {{"box_score_thresh", 0.001}, {"box_detections_per_img", 3000}});
  PredictorOptions o;
  o.package_dir = t / "pkg";
  o.max_batch = 4;
  Predictor p(o, torch::kCPU);
  cv::Mat a(120, 200, CV_8UC3);
  cv::theRNG().state = 5;
  cv::randu(a, cv::Scalar::all(0), cv::Scalar::all(256));
  cv::Mat m;
  cv::flip(a, m, 1);
  InferenceSettings s = p.settings();
  s.test_time_augmentation = TestTimeAugmentation::flip;
  const auto before = p.stats();
  EXPECT_FALSE(p.score({a}, s)[0].empty());
  EXPECT_EQ(p.stats().inputs - before.inputs, 2);
  // multi_scale_flip: 128 x 0.85 and 1.15 round to 96 and 160: 6 passes per image.
  s.test_time_augmentation = TestTimeAugmentation::multi_scale_flip;
  const auto mid = p.stats();
  const auto dms = p.score({a, m}, s);
  EXPECT_EQ(p.stats().inputs - mid.inputs, 12);
  for (const auto& im : dms) {
    EXPECT_FALSE(im.empty());
    for (std::size_t i = 0; i < im.size(); ++i) {
      EXPECT_TRUE(im[i].x0 >= 0 && im[i].x1 <= 1 && im[i].y0 >= 0 && im[i].y1 <= 1 && im[i].x0 < im[i].x1);
      if (i) EXPECT_GE(im[i - 1].score, im[i].score);
    }
  }
}
