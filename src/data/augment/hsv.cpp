#include "data/augment/hsv.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

namespace autodet {

void augment_hsv(cv::Mat& bgr, const HsvGains& gains, Rng& rng) {
  if (gains.h == 0 && gains.s == 0 && gains.v == 0) return;
  const double rh = rng.uniform(-1, 1) * gains.h + 1;
  const double rs = rng.uniform(-1, 1) * gains.s + 1;
  const double rv = rng.uniform(-1, 1) * gains.v + 1;
  cv::Mat lut(1, 256, CV_8UC3);
  auto* t = lut.ptr<cv::Vec3b>();
  for (int x = 0; x < 256; ++x) {
    t[x][0] = uchar(int(std::fmod(x * rh, 180.0)));  // rh > 0, so the remainder is in [0, 180)
    t[x][1] = uchar(int(std::clamp(x * rs, 0.0, 255.0)));
    t[x][2] = uchar(int(std::clamp(x * rv, 0.0, 255.0)));
  }
  cv::Mat hsv;
  cv::cvtColor(bgr, hsv, cv::COLOR_BGR2HSV);
  cv::LUT(hsv, lut, hsv);
  cv::cvtColor(hsv, bgr, cv::COLOR_HSV2BGR);
}

}  // namespace autodet
