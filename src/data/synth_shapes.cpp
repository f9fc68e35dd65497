#include "data/synth_shapes.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

namespace autodet::synth {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr int kCurvePoints = 128;  // polygon points of a full curve: under 0.3 px error at r = 900 px
constexpr int kSubpixelBits = 4;   // fillPoly's `shift`: vertices at 1/16 pixel

using Contour = std::vector<cv::Point2d>;

Contour ellipse(double rx, double ry) {
  Contour c(kCurvePoints);
  for (int i = 0; i < kCurvePoints; ++i) {
    double a = 2 * kPi * i / kCurvePoints;
    c[i] = {rx * std::cos(a), ry * std::sin(a)};
  }
  return c;
}

// Regular polygon-like outline alternating between radii (a star when two radii differ).
Contour radial(int points, double outer, double inner, double start) {
  Contour c;
  int n = inner > 0 ? 2 * points : points;
  for (int i = 0; i < n; ++i) {
    double r = (inner > 0 && i % 2) ? inner : outer;
    double a = start + 2 * kPi * i / n;
    c.push_back({r * std::cos(a), r * std::sin(a)});
  }
  return c;
}

Shape circle(Rng&) { return {{ellipse(1, 1)}}; }

Shape square(Rng&) { return {{{{-1, -1}, {1, -1}, {1, 1}, {-1, 1}}}}; }

// Roughly equilateral, each corner jittered so no two triangles are alike.
Shape triangle(Rng& rng) {
  Contour c;
  for (int i = 0; i < 3; ++i) {
    double a = -kPi / 2 + 2 * kPi * i / 3 + rng.uniform(-0.14, 0.14);
    double r = rng.uniform(0.85, 1.15);
    c.push_back({r * std::cos(a), r * std::sin(a)});
  }
  return {{c}};
}

Shape star(Rng& rng) { return {{radial(5, 1, rng.uniform(0.38, 0.5), -kPi / 2)}}; }

Shape ring(Rng& rng) {
  Contour hole = ellipse(1, 1);
  double r = rng.uniform(0.45, 0.7);
  for (auto& p : hole) p *= r;
  return {{ellipse(1, 1), hole}};
}

// A plus sign with equal arms.
Shape cross(Rng& rng) {
  double w = rng.uniform(0.22, 0.34);
  return {{{{-w, -1}, {w, -1}, {w, -w}, {1, -w}, {1, w}, {w, w},  //
             {w, 1}, {-w, 1}, {-w, w}, {-1, w}, {-1, -w}, {-w, -w}}}};
}

// Clearly elongated, so it is never mistaken for a circle.
Shape ellipse_shape(Rng& rng) { return {{ellipse(1, rng.uniform(0.35, 0.7))}}; }

// A rhombus taller than wide, so it is never a rotated square.
Shape diamond(Rng& rng) {
  double h = rng.uniform(1.4, 1.9);
  return {{{{0, -h}, {1, 0}, {0, h}, {-1, 0}}}};
}

Shape heart(Rng&) {
  Contour c(kCurvePoints);
  for (int i = 0; i < kCurvePoints; ++i) {
    double t = 2 * kPi * i / kCurvePoints;
    double s = std::sin(t);
    c[i] = {16 * s * s * s, -(13 * std::cos(t) - 5 * std::cos(2 * t) - 2 * std::cos(3 * t) - std::cos(4 * t))};
  }
  return {{c}};
}

Shape arrow(Rng& rng) {
  double shaft = rng.uniform(0.15, 0.25), head = rng.uniform(0.4, 0.55), neck = rng.uniform(0.1, 0.4);
  return {{{{-1, -shaft}, {neck, -shaft}, {neck, -head}, {1, 0}, {neck, head}, {neck, shaft}, {-1, shaft}}}};
}

struct Kind {
  const char* name;
  double max_rotation_deg;  // drawn uniformly in [-max, max]
  Shape (*unit)(Rng&);
};

const Kind kKinds[] = {
    {"circle", 0, circle},   {"square", 20, square},       {"triangle", 180, triangle}, {"star", 180, star},
    {"ring", 0, ring},       {"cross", 45, cross},         {"ellipse", 90, ellipse_shape},
    {"diamond", 20, diamond}, {"heart", 25, heart},        {"arrow", 180, arrow},
};

double shoelace(const Contour& c) {
  double a = 0;
  for (std::size_t i = 0, j = c.size() - 1; i < c.size(); j = i++) a += c[j].x * c[i].y - c[i].x * c[j].y;
  return std::abs(a) / 2;
}

}  // namespace

const std::vector<std::string>& shape_kinds() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (const auto& k : kKinds) n.push_back(k.name);
    return n;
  }();
  return names;
}

double Shape::area() const {
  double a = 0;
  for (std::size_t i = 0; i < contours.size(); ++i) a += (i == 0 ? 1 : -1) * shoelace(contours[i]);
  return a;
}

cv::Rect2d Shape::bounds() const {
  if (contours.empty() || contours[0].empty()) return {};
  double x0 = contours[0][0].x, x1 = x0, y0 = contours[0][0].y, y1 = y0;
  for (const auto& p : contours[0]) {
    x0 = std::min(x0, p.x);
    x1 = std::max(x1, p.x);
    y0 = std::min(y0, p.y);
    y1 = std::max(y1, p.y);
  }
  return {x0, y0, x1 - x0, y1 - y0};
}

void Shape::translate(cv::Point2d by) {
  for (auto& c : contours)
    for (auto& p : c) p += by;
}

Shape make_shape(std::size_t kind, double extent, Rng& rng) {
  const Kind& k = kKinds[kind];
  Shape s = k.unit(rng);
  double a = rng.uniform(-k.max_rotation_deg, k.max_rotation_deg) * kPi / 180;
  double ca = std::cos(a), sa = std::sin(a);
  for (auto& c : s.contours)
    for (auto& p : c) p = {p.x * ca - p.y * sa, p.x * sa + p.y * ca};
  cv::Rect2d b = s.bounds();
  double scale = extent / std::max(b.width, b.height);
  cv::Point2d centre(b.x + b.width / 2, b.y + b.height / 2);
  for (auto& c : s.contours)
    for (auto& p : c) p = (p - centre) * scale;
  return s;
}

Shape make_blob(double radius, Rng& rng) {
  const int n = rng.range(9, 16);
  Contour c;
  for (int i = 0; i < n; ++i) {
    double a = 2 * kPi * (i + rng.uniform(-0.3, 0.3)) / n;
    double r = radius * rng.uniform(0.45, 1.0);
    c.push_back({r * std::cos(a), r * std::sin(a)});
  }
  return {{c}};
}

std::int64_t Coverage::sum() const {
  std::int64_t s = 0;
  for (int y = 0; y < mask.rows; ++y) {
    const uchar* m = mask.ptr<uchar>(y);
    for (int x = 0; x < mask.cols; ++x) s += m[x];
  }
  return s;
}

Coverage rasterise(const Shape& shape, cv::Size size) {
  cv::Rect2d b = shape.bounds();
  // Anti-aliasing may touch a pixel beyond the outline on each side.
  int x0 = std::max(0, int(std::floor(b.x)) - 2), y0 = std::max(0, int(std::floor(b.y)) - 2);
  int x1 = std::min(size.width, int(std::ceil(b.x + b.width)) + 2);
  int y1 = std::min(size.height, int(std::ceil(b.y + b.height)) + 2);
  Coverage cov;
  if (x1 <= x0 || y1 <= y0) return cov;
  cov.roi = {x0, y0, x1 - x0, y1 - y0};
  cov.mask = cv::Mat::zeros(cov.roi.size(), CV_8U);
  // OpenCV puts pixel centres on integers, so shift by half a pixel into its frame.
  const double k = 1 << kSubpixelBits;
  std::vector<std::vector<cv::Point>> pts;
  for (const auto& c : shape.contours) {
    auto& out = pts.emplace_back();
    for (const auto& p : c)
      out.emplace_back(int(std::lround((p.x - 0.5 - x0) * k)), int(std::lround((p.y - 0.5 - y0) * k)));
  }
  cv::fillPoly(cov.mask, pts, cv::Scalar(255), cv::LINE_AA, kSubpixelBits);
  return cov;
}

void paint(cv::Mat& image, const Coverage& coverage, const cv::Mat& fill, int opacity) {
  CV_Assert(image.type() == CV_8UC3 && fill.type() == CV_8UC3 && fill.size() == coverage.roi.size());
  const cv::Rect& r = coverage.roi;
  for (int y = 0; y < r.height; ++y) {
    const uchar* m = coverage.mask.ptr<uchar>(y);
    const uchar* f = fill.ptr<uchar>(y);
    uchar* d = image.ptr<uchar>(r.y + y) + 3 * r.x;
    for (int x = 0; x < r.width; ++x, f += 3, d += 3) {
      int a = (m[x] * opacity + 127) / 255;
      if (a == 0) continue;
      for (int ch = 0; ch < 3; ++ch) d[ch] = uchar((d[ch] * (255 - a) + f[ch] * a + 127) / 255);
    }
  }
}

void paint(cv::Mat& image, const Coverage& coverage, const cv::Vec3b& colour, int opacity) {
  if (coverage.empty()) return;
  paint(image, coverage, cv::Mat(coverage.roi.size(), CV_8UC3, cv::Scalar(colour[0], colour[1], colour[2])), opacity);
}

}  // namespace autodet::synth
