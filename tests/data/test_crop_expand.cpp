// The R-CNN family's training augmentations (R4.4): expand onto a mean-coloured canvas, crop
// around every box, flip; each keeps the pixels under the boxes with the boxes.
#include <cmath>

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include "core/rng.h"
#include "data/augment/crop_expand.h"

namespace autodet {
namespace {

// A 200x100 image whose pixels encode their position, with two boxes.
cv::Mat position_image() {
  cv::Mat img(100, 200, CV_8UC3);
  for (int y = 0; y < img.rows; ++y)
    for (int x = 0; x < img.cols; ++x) img.at<cv::Vec3b>(y, x) = cv::Vec3b(uchar(x), uchar(y), uchar((x + y) % 256));
  return img;
}

LabeledBoxes two_boxes() { return {{40, 20, 80, 60, 0}, {120, 30, 150, 90, 1}}; }

// The pixel at each box's top-left corner is the one that was there before.
void expect_same_content(const cv::Mat& before, const LabeledBoxes& bb, const cv::Mat& after, const LabeledBoxes& ab) {
  ASSERT_EQ(bb.size(), ab.size());
  for (std::size_t i = 0; i < bb.size(); ++i) {
    EXPECT_NEAR(ab[i].width(), bb[i].width(), 1e-9);
    EXPECT_NEAR(ab[i].height(), bb[i].height(), 1e-9);
    EXPECT_EQ(after.at<cv::Vec3b>(int(ab[i].y0), int(ab[i].x0)), before.at<cv::Vec3b>(int(bb[i].y0), int(bb[i].x0)));
  }
}

TEST(CropExpand, ExpandPastesOntoAMeanColouredCanvasUpToTwiceTheSize) {
  Rng rng(3);
  for (int t = 0; t < 50; ++t) {
    cv::Mat img = position_image();
    auto boxes = two_boxes();
    const cv::Mat before = img.clone();
    expand_canvas(img, boxes, rng);
    ASSERT_GE(img.cols, 200);
    ASSERT_LE(img.cols, 400);
    EXPECT_NEAR(double(img.rows) / img.cols, 0.5, 0.01);
    expect_same_content(before, two_boxes(), img, boxes);
    if (img.cols > 210) {  // a corner outside the pasted image has ImageNet's mean colour (BGR)
      const cv::Vec3b fill = boxes[0].x0 > 45 ? img.at<cv::Vec3b>(0, 0) : img.at<cv::Vec3b>(img.rows - 1, img.cols - 1);
      EXPECT_EQ(fill, cv::Vec3b(104, 116, 124));
    }
  }
}

TEST(CropExpand, CropKeepsEveryBoxAtLeastSixTenthsOfTheAreaAndASaneAspect) {
  Rng rng(5);
  int cropped = 0;
  for (int t = 0; t < 50; ++t) {
    cv::Mat img = position_image();
    auto boxes = two_boxes();
    const cv::Mat before = img.clone();
    if (!crop_around_boxes(img, boxes, rng)) continue;
    ++cropped;
    EXPECT_GE(double(img.cols) * img.rows, 0.6 * 200 * 100);
    EXPECT_GT(double(img.rows) / img.cols, 0.5);
    EXPECT_LT(double(img.rows) / img.cols, 2.0);
    for (const auto& b : boxes) {
      EXPECT_GE(b.x0, 0);
      EXPECT_GE(b.y0, 0);
      EXPECT_LE(b.x1, img.cols);
      EXPECT_LE(b.y1, img.rows);
    }
    expect_same_content(before, two_boxes(), img, boxes);
  }
  // The 2:1 image needs h / w > 0.5: only crops narrower than the full width pass, and some do.
  EXPECT_GT(cropped, 5);
  // A box outside the image, or no box: no crop.
  cv::Mat img = position_image();
  LabeledBoxes outside{{-5, 10, 50, 50, 0}};
  EXPECT_FALSE(crop_around_boxes(img, outside, rng));
  LabeledBoxes none;
  EXPECT_FALSE(crop_around_boxes(img, none, rng));
  EXPECT_EQ(img.cols, 200);
}

TEST(CropExpand, TheChainCropsExpandsAndFlipsAtItsProbabilities) {
  Rng rng(11);
  int expanded = 0, changed_size = 0, flipped = 0;
  const int n = 2000;
  for (int t = 0; t < n; ++t) {
    cv::Mat img = position_image();
    auto boxes = two_boxes();
    rcnn_train_augment(img, boxes, 0.5, rng);
    if (img.cols > 200) ++expanded;
    if (img.cols != 200) ++changed_size;
    // Box 0 lies left of box 1 unless the image was flipped.
    if (boxes[0].x0 > boxes[1].x0) ++flipped;
  }
  EXPECT_NEAR(double(flipped) / n, 0.5, 0.05);
  EXPECT_NEAR(double(expanded) / n, 0.25, 0.04);  // p (1 - p)
  // Crops: p^2 (here nearly every crop finds an accepted window within its 50 tries).
  EXPECT_NEAR(double(changed_size - expanded) / n, 0.25, 0.04);
}

}  // namespace
}  // namespace autodet
