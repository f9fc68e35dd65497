#include "data/synth_background.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "data/synth_shapes.h"

namespace autodet::synth {
namespace {

constexpr double kPi = 3.14159265358979323846;

cv::Vec3b random_colour(Rng& rng) { return {uchar(rng.below(256)), uchar(rng.below(256)), uchar(rng.below(256))}; }

// Linear blend between two random colours along a random direction.
cv::Mat gradient(cv::Size size, Rng& rng) {
  cv::Vec3b c0 = random_colour(rng), c1 = random_colour(rng);
  double a = rng.uniform(0, 2 * kPi), dx = std::cos(a), dy = std::sin(a);
  double lo = std::min({0.0, dx * size.width, dy * size.height, dx * size.width + dy * size.height});
  double hi = std::max({0.0, dx * size.width, dy * size.height, dx * size.width + dy * size.height});
  cv::Mat out(size, CV_8UC3);
  for (int y = 0; y < size.height; ++y) {
    auto* row = out.ptr<cv::Vec3b>(y);
    for (int x = 0; x < size.width; ++x) {
      double t = (dx * (x + 0.5) + dy * (y + 0.5) - lo) / (hi - lo);
      for (int ch = 0; ch < 3; ++ch) row[x][ch] = cv::saturate_cast<uchar>(c0[ch] + (c1[ch] - c0[ch]) * t);
    }
  }
  return out;
}

// A coarse grid of colours around a base colour, smoothly upsampled: large soft blotches.
cv::Mat smooth_noise(cv::Size size, Rng& rng) {
  int gw = rng.range(2, 7);
  int gh = std::max(2, int(std::lround(gw * double(size.height) / size.width)));
  cv::Vec3b base = random_colour(rng);
  int spread = rng.range(25, 70);
  cv::Mat grid(gh, gw, CV_8UC3);
  for (int y = 0; y < gh; ++y)
    for (int x = 0; x < gw; ++x)
      for (int ch = 0; ch < 3; ++ch)
        grid.at<cv::Vec3b>(y, x)[ch] = cv::saturate_cast<uchar>(base[ch] + rng.range(-spread, spread));
  cv::Mat out;
  cv::resize(grid, out, size, 0, 0, cv::INTER_CUBIC);
  return out;
}

// Adds a faint luminance pattern: hard stripes, soft stripes or a checkerboard.
void add_pattern(cv::Mat& image, Rng& rng) {
  const int kind = int(rng.below(3));
  const double period = std::max(3.0, rng.uniform(6, 40) * std::min(image.cols, image.rows) / 320.0);
  const double a = rng.uniform(0, kPi), ca = std::cos(a), sa = std::sin(a);
  const int amp = rng.range(8, 30);
  for (int y = 0; y < image.rows; ++y) {
    auto* row = image.ptr<cv::Vec3b>(y);
    for (int x = 0; x < image.cols; ++x) {
      double u = (x * ca + y * sa) / period, v = (y * ca - x * sa) / period;
      double s;
      if (kind == 0) s = (long long)std::floor(u) % 2 ? 1 : -1;
      else if (kind == 1) s = 4 * std::abs(u - std::floor(u) - 0.5) - 1;
      else s = ((long long)std::floor(u) + (long long)std::floor(v)) % 2 ? 1 : -1;
      int d = int(std::lround(amp * s));
      for (int ch = 0; ch < 3; ++ch) row[x][ch] = cv::saturate_cast<uchar>(row[x][ch] + d);
    }
  }
}

cv::Point random_point(cv::Size size, Rng& rng) {
  return {rng.range(-size.width / 10, size.width + size.width / 10),
          rng.range(-size.height / 10, size.height + size.height / 10)};
}

// A full-image coverage to draw strokes into.
Coverage stroke_canvas(cv::Size size) { return {cv::Rect({0, 0}, size), cv::Mat::zeros(size, CV_8U)}; }

}  // namespace

cv::Mat make_background(cv::Size size, Rng& rng) {
  cv::Mat image;
  switch (rng.below(3)) {
    case 0: image = gradient(size, rng); break;
    case 1: image = smooth_noise(size, rng); break;
    default: {
      image = gradient(size, rng);
      cv::Mat blotches = smooth_noise(size, rng);
      for (int y = 0; y < size.height; ++y) {
        uchar* d = image.ptr<uchar>(y);
        const uchar* s = blotches.ptr<uchar>(y);
        for (int i = 0; i < 3 * size.width; ++i) d[i] = uchar((d[i] + s[i] + 1) / 2);
      }
    }
  }
  if (rng.chance(0.5)) add_pattern(image, rng);
  return image;
}

void add_distractors(cv::Mat& image, Rng& rng) {
  const cv::Size size = image.size();
  const int short_side = std::min(size.width, size.height);
  const int max_thickness = std::max(1, short_side / 160);
  for (int i = 0, n = rng.range(0, 3); i < n; ++i) {
    Coverage c = stroke_canvas(size);
    cv::Point a = random_point(size, rng), b = random_point(size, rng);
    cv::line(c.mask, a, b, cv::Scalar(255), rng.range(1, max_thickness), cv::LINE_AA);
    cv::Vec3b colour = random_colour(rng);
    paint(image, c, colour, rng.range(40, 100));
  }
  for (int i = 0, n = rng.range(0, 2); i < n; ++i) {
    Coverage c = stroke_canvas(size);
    std::vector<cv::Point> walk{random_point(size, rng)};
    const double step = short_side * rng.uniform(0.04, 0.1);
    double heading = rng.uniform(0, 2 * kPi);
    for (int k = 0, m = rng.range(5, 11); k < m; ++k) {
      heading += rng.uniform(-1.2, 1.2);
      walk.push_back(walk.back() + cv::Point(int(std::lround(step * std::cos(heading))),
                                             int(std::lround(step * std::sin(heading)))));
    }
    cv::polylines(c.mask, walk, false, cv::Scalar(255), rng.range(1, max_thickness), cv::LINE_AA);
    cv::Vec3b colour = random_colour(rng);
    paint(image, c, colour, rng.range(40, 100));
  }
  for (int i = 0, n = rng.range(0, 3); i < n; ++i) {
    Shape blob = make_blob(short_side * rng.uniform(0.03, 0.1), rng);
    blob.translate({rng.uniform(0, size.width), rng.uniform(0, size.height)});
    cv::Vec3b colour = random_colour(rng);
    paint(image, rasterise(blob, size), colour, rng.range(40, 110));
  }
}

void add_finish(cv::Mat& image, Rng& rng) {
  if (rng.chance(0.25)) cv::GaussianBlur(image, image, cv::Size(3, 3), rng.uniform(0.5, 1.0));
  if (!rng.chance(0.75)) return;
  // Triangular noise in [-amp, amp]: the sum of two random bytes, four 16-bit draws per call.
  const int amp = rng.range(2, 10);
  std::uint64_t bits = 0;
  int left = 0;
  for (int y = 0; y < image.rows; ++y) {
    uchar* d = image.ptr<uchar>(y);
    for (int i = 0; i < image.cols * image.channels(); ++i) {
      if (left == 0) bits = rng.next(), left = 4;
      int n = int(bits & 0xFF) + int((bits >> 8) & 0xFF) - 255;
      bits >>= 16;
      --left;
      d[i] = cv::saturate_cast<uchar>(d[i] + n * amp / 255);
    }
  }
}

}  // namespace autodet::synth
