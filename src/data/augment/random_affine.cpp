#include "data/augment/random_affine.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "data/augment/box_candidates.h"
#include "data/augment/letterbox.h"

namespace autodet {
namespace {

constexpr double kPi = 3.14159265358979323846;

cv::Matx33d translation(double tx, double ty) { return cv::Matx33d(1, 0, tx, 0, 1, ty, 0, 0, 1); }

// Maps the four corners of b through m (2x3 part of an affine matrix); returns their bounding box.
LabeledBox transform_box(const cv::Matx33d& m, const LabeledBox& b) {
  const double xs[4] = {b.x0, b.x1, b.x0, b.x1}, ys[4] = {b.y0, b.y1, b.y1, b.y0};
  LabeledBox out{1e300, 1e300, -1e300, -1e300, b.cls};
  for (int k = 0; k < 4; ++k) {
    const double x = m(0, 0) * xs[k] + m(0, 1) * ys[k] + m(0, 2);
    const double y = m(1, 0) * xs[k] + m(1, 1) * ys[k] + m(1, 2);
    out.x0 = std::min(out.x0, x), out.y0 = std::min(out.y0, y);
    out.x1 = std::max(out.x1, x), out.y1 = std::max(out.y1, y);
  }
  return out;
}

}  // namespace

cv::Mat random_affine(const cv::Mat& img, LabeledBoxes& boxes, const AffineParams& p, int border, Rng& rng) {
  const int width = img.cols + 2 * border, height = img.rows + 2 * border;
  // Draws in a fixed order, all of them even when a range is empty, so later draws never shift.
  const double angle = rng.uniform(-p.degrees, p.degrees);
  const double zoom = rng.uniform(1 - p.scale, 1 + p.scale);
  const double shear_x = std::tan(rng.uniform(-p.shear, p.shear) * kPi / 180);
  const double shear_y = std::tan(rng.uniform(-p.shear, p.shear) * kPi / 180);
  const double tx = rng.uniform(0.5 - p.translate, 0.5 + p.translate) * width;
  const double ty = rng.uniform(0.5 - p.translate, 0.5 + p.translate) * height;

  const cv::Matx33d centre = translation(-img.cols / 2.0, -img.rows / 2.0);
  // Rotation by `angle` degrees (counter-clockwise on screen, as cv::getRotationMatrix2D) and zoom.
  const double a = angle * kPi / 180, c = std::cos(a) * zoom, s = std::sin(a) * zoom;
  const cv::Matx33d rotate(c, s, 0, -s, c, 0, 0, 0, 1);
  const cv::Matx33d shear(1, shear_x, 0, shear_y, 1, 0, 0, 0, 1);
  const cv::Matx33d m = translation(tx, ty) * shear * rotate * centre;

  cv::Mat out = img;
  if (border != 0 || m != cv::Matx33d::eye()) {
    const cv::Matx23d m23(m(0, 0), m(0, 1), m(0, 2), m(1, 0), m(1, 1), m(1, 2));
    cv::warpAffine(img, out, m23, cv::Size(width, height), cv::INTER_LINEAR, cv::BORDER_CONSTANT, cv::Scalar::all(kPadValue));
  }

  LabeledBoxes kept;
  kept.reserve(boxes.size());
  for (const LabeledBox& b : boxes) {
    LabeledBox t = transform_box(m, b);
    t.x0 = std::clamp(t.x0, 0.0, double(width)), t.x1 = std::clamp(t.x1, 0.0, double(width));
    t.y0 = std::clamp(t.y0, 0.0, double(height)), t.y1 = std::clamp(t.y1, 0.0, double(height));
    if (box_candidate(b, t, zoom)) kept.push_back(t);
  }
  boxes = std::move(kept);
  return out;
}

}  // namespace autodet
