#include "deploy/draw_detections.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <opencv2/imgproc.hpp>

namespace autodet {

cv::Scalar class_colour(int cls) {
  // Hue in OpenCV's 0..180 range, stepped by the golden angle; full saturation, bright value.
  const double hue = std::fmod(std::abs(cls) * 137.508, 360.0) / 2.0;
  cv::Mat hsv(1, 1, CV_8UC3, cv::Scalar(hue, 200, 235)), bgr;
  cv::cvtColor(hsv, bgr, cv::COLOR_HSV2BGR);
  const auto p = bgr.at<cv::Vec3b>(0, 0);
  return cv::Scalar(p[0], p[1], p[2]);
}

cv::Mat draw_detections(const cv::Mat& image, const ImageDetections& dets, const std::vector<std::string>& labels) {
  cv::Mat out = image.clone();
  const int side = std::min(out.cols, out.rows);
  const int thickness = std::max(1, int(std::lround(side / 300.0)));
  const double font_scale = std::clamp(side / 900.0, 0.35, 1.5);
  const int font = cv::FONT_HERSHEY_SIMPLEX;
  // Lowest score drawn first, so the most confident boxes and labels end up on top.
  for (auto it = dets.rbegin(); it != dets.rend(); ++it) {
    const Detection& d = *it;
    const cv::Point p0(int(std::lround(d.x0 * out.cols)), int(std::lround(d.y0 * out.rows)));
    const cv::Point p1(int(std::lround(d.x1 * out.cols)), int(std::lround(d.y1 * out.rows)));
    const cv::Scalar colour = class_colour(d.cls);
    cv::rectangle(out, p0, p1, colour, thickness, cv::LINE_AA);

    const std::string name = d.cls >= 0 && std::size_t(d.cls) < labels.size() ? labels[std::size_t(d.cls)] : std::to_string(d.cls);
    const std::string text = fmt::format("{} {:.2f}", name, d.score);
    int baseline = 0;
    const cv::Size ts = cv::getTextSize(text, font, font_scale, 1, &baseline);
    const int pad = std::max(2, thickness);
    const int h = ts.height + baseline + 2 * pad;
    // Above the box when there is room, else just inside its top edge; kept inside the image.
    int top = p0.y - h >= 0 ? p0.y - h : p0.y;
    top = std::clamp(top, 0, std::max(0, out.rows - h));
    const int left = std::clamp(p0.x, 0, std::max(0, out.cols - ts.width - 2 * pad));
    cv::rectangle(out, cv::Rect(left, top, ts.width + 2 * pad, h), colour, cv::FILLED);
    // Black text on light colours, white on dark ones.
    const double luma = 0.114 * colour[0] + 0.587 * colour[1] + 0.299 * colour[2];
    const cv::Scalar ink = luma > 140 ? cv::Scalar(0, 0, 0) : cv::Scalar(255, 255, 255);
    cv::putText(out, text, cv::Point(left + pad, top + pad + ts.height), font, font_scale, ink, 1, cv::LINE_AA);
  }
  return out;
}

}  // namespace autodet
