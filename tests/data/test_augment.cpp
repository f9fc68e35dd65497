// YOLOv5 augmentations: letterbox math and its inverse, flip, mosaic, random affine, HSV, box filter.
#include <algorithm>
#include <array>

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include "core/rng.h"
#include "data/augment/box_candidates.h"
#include "data/augment/flip.h"
#include "data/augment/hsv.h"
#include "data/augment/letterbox.h"
#include "data/augment/mosaic.h"
#include "data/augment/random_affine.h"

namespace autodet {
namespace {

// A w x h BGR image with a gradient and some noise, so every pixel differs from its neighbours.
cv::Mat pattern(int w, int h, std::uint64_t seed = 1) {
  cv::Mat m(h, w, CV_8UC3);
  Rng rng(seed);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      m.at<cv::Vec3b>(y, x) = cv::Vec3b(uchar((x * 7 + y) & 255), uchar((y * 5) & 255), uchar(rng.below(256)));
  return m;
}

bool same_bytes(const cv::Mat& a, const cv::Mat& b) {
  return a.size() == b.size() && a.type() == b.type() && cv::countNonZero(cv::Mat(a != b).reshape(1)) == 0;
}

void expect_box_near(const LabeledBox& a, const LabeledBox& b, double tol) {
  EXPECT_NEAR(a.x0, b.x0, tol);
  EXPECT_NEAR(a.y0, b.y0, tol);
  EXPECT_NEAR(a.x1, b.x1, tol);
  EXPECT_NEAR(a.y1, b.y1, tol);
  EXPECT_EQ(a.cls, b.cls);
}

TEST(AugmentLetterbox, ShrinksWideImageAndPadsTopAndBottom) {
  const cv::Mat img = pattern(640, 320);
  LetterboxInfo info;
  const cv::Mat out = letterbox(img, 320, &info);
  ASSERT_EQ(out.cols, 320);
  ASSERT_EQ(out.rows, 320);
  EXPECT_EQ(info.orig_width, 640);
  EXPECT_EQ(info.orig_height, 320);
  EXPECT_DOUBLE_EQ(info.scale_x, 0.5);
  EXPECT_DOUBLE_EQ(info.scale_y, 0.5);
  EXPECT_EQ(info.pad_x, 0);
  EXPECT_EQ(info.pad_y, 80);
  EXPECT_EQ(out.at<cv::Vec3b>(0, 0), cv::Vec3b(114, 114, 114));
  EXPECT_EQ(out.at<cv::Vec3b>(79, 319), cv::Vec3b(114, 114, 114));
  EXPECT_EQ(out.at<cv::Vec3b>(240, 5), cv::Vec3b(114, 114, 114));
  // The content is the INTER_AREA shrink of the original.
  cv::Mat expected;
  cv::resize(img, expected, cv::Size(320, 160), 0, 0, cv::INTER_AREA);
  EXPECT_TRUE(same_bytes(out(cv::Rect(0, 80, 320, 160)), expected));
}

TEST(AugmentLetterbox, EnlargesTallImageWithLinearAndOddPadding) {
  const cv::Mat img = pattern(33, 100);
  LetterboxInfo info;
  const cv::Mat out = letterbox(img, 320, &info);
  ASSERT_EQ(out.size(), cv::Size(320, 320));
  // 33 * 3.2 = 105.6 -> 106 wide; padding 214 = 107 left + 107 right.
  EXPECT_EQ(info.pad_x, 107);
  EXPECT_EQ(info.pad_y, 0);
  EXPECT_DOUBLE_EQ(info.scale_x, 106.0 / 33);
  EXPECT_DOUBLE_EQ(info.scale_y, 3.2);
  cv::Mat expected;
  cv::resize(img, expected, cv::Size(106, 320), 0, 0, cv::INTER_LINEAR);
  EXPECT_TRUE(same_bytes(out(cv::Rect(107, 0, 106, 320)), expected));
  EXPECT_EQ(out.at<cv::Vec3b>(10, 106), cv::Vec3b(114, 114, 114));
  EXPECT_EQ(out.at<cv::Vec3b>(10, 213), cv::Vec3b(114, 114, 114));
}

TEST(AugmentLetterbox, OddPaddingPutsExtraPixelBottomRight) {
  int px = -1, py = -1;
  const cv::Mat out = pad_to_square(pattern(10, 7), 12, &px, &py);
  EXPECT_EQ(px, 1);  // 2 columns: 1 left, 1 right
  EXPECT_EQ(py, 2);  // 5 rows: 2 top, 3 bottom
  EXPECT_EQ(out.size(), cv::Size(12, 12));
}

TEST(AugmentLetterbox, BoxMappingIsReversible) {
  for (const cv::Size size : {cv::Size(499, 666), cv::Size(1000, 37), cv::Size(100, 100), cv::Size(77, 51)}) {
    LetterboxInfo info;
    letterbox(pattern(size.width, size.height), 320, &info);
    const LabeledBox b{3.5, 7.25, size.width - 1.0, size.height * 0.5, 2};
    const LabeledBox lb = info.to_letterbox(b);
    EXPECT_GE(lb.x0, info.pad_x - 1e-9);
    EXPECT_LE(lb.x1, 320 - info.pad_x + 1e-9);
    expect_box_near(info.to_original(lb), b, 1e-9);
    // The image corners map onto the resized content's corners.
    const LabeledBox whole = info.to_letterbox(LabeledBox{0, 0, double(size.width), double(size.height), 0});
    EXPECT_NEAR(whole.x0 + whole.x1, 320, 1.0 + 1e-9);  // centred within one pixel
    EXPECT_NEAR(whole.y0 + whole.y1, 320, 1.0 + 1e-9);
    EXPECT_NEAR(std::max(whole.width(), whole.height()), 320, 1e-9);
  }
}

TEST(AugmentLetterbox, LongSideSizeRounds) {
  EXPECT_EQ(long_side_size(499, 666, 320), cv::Size(240, 320));  // 239.76
  EXPECT_EQ(long_side_size(10000, 1, 320), cv::Size(320, 1));     // never 0
  const cv::Mat img = pattern(64, 32);
  EXPECT_EQ(resize_long_side(img, 64, true).data, img.data);  // nothing to do: shared
}

TEST(AugmentFlip, MirrorsImageAndBoxes) {
  cv::Mat img = pattern(100, 50);
  const cv::Mat orig = img.clone();
  LabeledBoxes boxes{{10, 20, 30, 40, 1}, {0, 0, 100, 50, 0}};
  flip_horizontal(img, boxes);
  expect_box_near(boxes[0], LabeledBox{70, 20, 90, 40, 1}, 0);
  expect_box_near(boxes[1], LabeledBox{0, 0, 100, 50, 0}, 0);
  EXPECT_EQ(img.at<cv::Vec3b>(5, 0), orig.at<cv::Vec3b>(5, 99));
  EXPECT_EQ(img.at<cv::Vec3b>(17, 30), orig.at<cv::Vec3b>(17, 69));
  flip_horizontal(img, boxes);
  EXPECT_TRUE(same_bytes(img, orig));
  expect_box_near(boxes[0], LabeledBox{10, 20, 30, 40, 1}, 0);
}

TEST(AugmentFlip, RandomFlipHappensAboutHalfTheTime) {
  Rng rng(5);
  int flips = 0;
  for (int i = 0; i < 1000; ++i) {
    cv::Mat img = pattern(4, 4);
    LabeledBoxes boxes;
    flips += random_flip_horizontal(img, boxes, 0.5, rng);
  }
  EXPECT_GT(flips, 430);
  EXPECT_LT(flips, 570);
}

std::array<MosaicPiece, 4> four_pieces(int size) {
  // Pieces of different shapes and flat colours, each with a box over the whole piece and a small one.
  const cv::Size sizes[4] = {{size, size}, {size, size / 2}, {size / 3, size}, {size * 3 / 4, size * 3 / 5}};
  std::array<MosaicPiece, 4> pieces;
  for (int i = 0; i < 4; ++i) {
    const int w = sizes[i].width, h = sizes[i].height;
    pieces[i].image = cv::Mat(h, w, CV_8UC3, cv::Scalar(10 + 40 * i, 200 - 40 * i, 60));
    pieces[i].boxes = {{0, 0, double(w), double(h), i}, {w * 0.4, h * 0.4, w * 0.6, h * 0.6, 10 + i}};
  }
  return pieces;
}

TEST(AugmentMosaic, KeepsBoxesInsideTheirPiecesAndNonEmpty) {
  const int s = 64;
  const auto pieces = four_pieces(s);
  for (std::uint64_t seed = 0; seed < 200; ++seed) {
    Rng rng(seed);
    LabeledBoxes boxes;
    const cv::Mat canvas = mosaic4(pieces, s, rng, &boxes);
    ASSERT_EQ(canvas.size(), cv::Size(2 * s, 2 * s));
    ASSERT_FALSE(boxes.empty());
    for (const LabeledBox& b : boxes) {
      EXPECT_GE(b.x0, 0);
      EXPECT_GE(b.y0, 0);
      EXPECT_LE(b.x1, 2 * s);
      EXPECT_LE(b.y1, 2 * s);
      EXPECT_GT(b.width(), 0);
      EXPECT_GT(b.height(), 0);
      if (b.cls < 4) {
        // The whole-piece box covers exactly the piece's pixels, all in its colour.
        const cv::Rect r(int(b.x0), int(b.y0), int(b.width()), int(b.height()));
        EXPECT_EQ(r.x, b.x0);
        EXPECT_EQ(r.width, b.width());
        const cv::Scalar colour(10 + 40 * b.cls, 200 - 40 * b.cls, 60);
        cv::Mat diff;
        cv::absdiff(canvas(r), colour, diff);
        EXPECT_EQ(cv::countNonZero(diff.reshape(1)), 0) << "seed " << seed << " piece " << b.cls;
      }
    }
    // Each whole-piece box touches the centre; the four meet at one point.
    ASSERT_EQ(std::count_if(boxes.begin(), boxes.end(), [](const LabeledBox& b) { return b.cls < 4; }), 4);
    const double xc = boxes[0].cls == 0 ? boxes[0].x1 : -1;
    EXPECT_GE(xc, s / 2.0);
    EXPECT_LE(xc, 1.5 * s);
    // Grey where no piece can be (piece 2 is a third as wide as the canvas half).
    EXPECT_EQ(canvas.at<cv::Vec3b>(2 * s - 1, 0), cv::Vec3b(114, 114, 114)) << "seed " << seed;
  }
}

TEST(AugmentMosaic, SameSeedSameCanvas) {
  const auto pieces = four_pieces(48);
  Rng a(9), b(9);
  LabeledBoxes ba, bb;
  EXPECT_TRUE(same_bytes(mosaic4(pieces, 48, a, &ba), mosaic4(pieces, 48, b, &bb)));
  ASSERT_EQ(ba.size(), bb.size());
}

TEST(AugmentAffine, IdentityLeavesImageAndBoxesUnchanged) {
  const cv::Mat img = pattern(80, 60);
  LabeledBoxes boxes{{5, 6, 30, 40, 1}, {70, 50, 80, 60, 2}};
  const LabeledBoxes before = boxes;
  Rng rng(3);
  const cv::Mat out = random_affine(img, boxes, AffineParams::identity(), 0, rng);
  EXPECT_TRUE(same_bytes(out, img));
  ASSERT_EQ(boxes.size(), before.size());
  for (std::size_t i = 0; i < boxes.size(); ++i) expect_box_near(boxes[i], before[i], 1e-12);
}

TEST(AugmentAffine, IdentityWithBorderCropsTheCentre) {
  const cv::Mat img = pattern(128, 128);
  LabeledBoxes boxes{{10, 10, 60, 60, 0}, {0, 0, 20, 20, 1}, {30, 40, 120, 100, 2}};
  Rng rng(3);
  const cv::Mat out = random_affine(img, boxes, AffineParams::identity(), -32, rng);
  ASSERT_EQ(out.size(), cv::Size(64, 64));
  EXPECT_TRUE(same_bytes(out, img(cv::Rect(32, 32, 64, 64))));
  // Box 0 keeps 28x28 of 50x50 (31% > 10%); box 1 leaves the view; box 2 is clipped.
  ASSERT_EQ(boxes.size(), 2u);
  expect_box_near(boxes[0], LabeledBox{0, 0, 28, 28, 0}, 1e-9);
  expect_box_near(boxes[1], LabeledBox{0, 8, 64, 64, 2}, 1e-9);
}

TEST(AugmentAffine, BoxesFollowThePixels) {
  // A white rectangle on black: after a random zoom/rotation/shear/shift its pixels lie inside
  // the transformed box, and the box is tight around them for rotation-free transforms.
  for (std::uint64_t seed = 0; seed < 30; ++seed) {
    cv::Mat img(200, 200, CV_8UC3, cv::Scalar::all(0));
    cv::rectangle(img, cv::Rect(60, 70, 50, 40), cv::Scalar::all(255), cv::FILLED);
    LabeledBoxes boxes{{60, 70, 110, 110, 0}};
    Rng rng(seed);
    AffineParams p;  // Azure's: zoom only
    const cv::Mat out = random_affine(img, boxes, p, 0, rng);
    ASSERT_EQ(out.size(), img.size());
    ASSERT_EQ(boxes.size(), 1u);
    cv::Mat mask;
    cv::inRange(out, cv::Scalar::all(128), cv::Scalar::all(255), mask);
    const cv::Rect found = cv::boundingRect(mask);
    EXPECT_NEAR(found.x, boxes[0].x0, 1.5) << seed;
    EXPECT_NEAR(found.y, boxes[0].y0, 1.5) << seed;
    EXPECT_NEAR(found.x + found.width, boxes[0].x1, 1.5) << seed;
    EXPECT_NEAR(found.y + found.height, boxes[0].y1, 1.5) << seed;
  }
}

TEST(AugmentAffine, RotationAndShearKeepBoxesInside) {
  AffineParams p{10, 0.1, 0.5, 5};
  for (std::uint64_t seed = 0; seed < 50; ++seed) {
    LabeledBoxes boxes{{0, 0, 100, 100, 0}, {20, 30, 50, 45, 1}, {90, 90, 99, 99, 2}};
    Rng rng(seed);
    const cv::Mat out = random_affine(pattern(100, 100), boxes, p, 0, rng);
    for (const LabeledBox& b : boxes) {
      EXPECT_GE(b.x0, 0);
      EXPECT_GE(b.y0, 0);
      EXPECT_LE(b.x1, 100);
      EXPECT_LE(b.y1, 100);
      EXPECT_GT(b.width(), 2);
      EXPECT_GT(b.height(), 2);
    }
  }
}

TEST(AugmentBoxCandidates, FiltersSmallThinAndMostlyCutBoxes) {
  const LabeledBox src{0, 0, 100, 100, 0};
  EXPECT_TRUE(box_candidate(src, LabeledBox{0, 0, 100, 100, 0}, 1.0));
  EXPECT_FALSE(box_candidate(src, LabeledBox{0, 0, 2, 50, 0}, 1.0));     // 2 px wide: not > 2
  EXPECT_FALSE(box_candidate(src, LabeledBox{0, 0, 30, 30, 0}, 1.0));    // 9% of the area left
  EXPECT_TRUE(box_candidate(src, LabeledBox{0, 0, 16, 16, 0}, 0.5));     // 10.24% of the zoomed area
  EXPECT_FALSE(box_candidate(src, LabeledBox{0, 0, 15, 15, 0}, 0.5));    // 9% of it
  EXPECT_FALSE(box_candidate(LabeledBox{0, 0, 1000, 3, 0}, LabeledBox{0, 0, 1000, 9.9, 0}, 3.0));  // aspect 101
}

TEST(AugmentHsv, ZeroGainsAreIdentity) {
  cv::Mat img = pattern(64, 48);
  const cv::Mat orig = img.clone();
  Rng rng(1), untouched(1);
  augment_hsv(img, HsvGains{0, 0, 0}, rng);
  EXPECT_TRUE(same_bytes(img, orig));
  EXPECT_EQ(rng.next(), untouched.next());  // no draws either
}

TEST(AugmentHsv, DefaultGainsChangeColoursDeterministically) {
  cv::Mat a = pattern(64, 48), b = a.clone();
  const cv::Mat orig = a.clone();
  Rng ra(11), rb(11);
  augment_hsv(a, HsvGains{}, ra);
  augment_hsv(b, HsvGains{}, rb);
  EXPECT_TRUE(same_bytes(a, b));
  EXPECT_FALSE(same_bytes(a, orig));
}

TEST(AugmentHsv, ValueGainScalesBrightness) {
  // A grey image has no hue or saturation; only the value gain changes it.
  cv::Mat img(8, 8, CV_8UC3, cv::Scalar::all(100));
  Rng rng(4);
  augment_hsv(img, HsvGains{0, 0, 0.4}, rng);
  Rng replay(4);
  replay.uniform();
  replay.uniform();
  const double gain = replay.uniform(-1, 1) * 0.4 + 1;
  EXPECT_EQ(img.at<cv::Vec3b>(3, 3), cv::Vec3b::all(uchar(int(100 * gain))));
}

}  // namespace
}  // namespace autodet
