#include "data/loader/batch.h"

#include "core/error.h"

namespace autodet {

void write_chw_rgb(const cv::Mat& bgr, std::uint8_t* dst) {
  if (bgr.type() != CV_8UC3) throw Error("write_chw_rgb: expected an 8-bit 3-channel image");
  const std::size_t plane = std::size_t(bgr.rows) * bgr.cols;
  // Planes wrapping dst, in BGR order so cv::split writes R first, G second, B third.
  cv::Mat planes[3] = {cv::Mat(bgr.rows, bgr.cols, CV_8U, dst + 2 * plane), cv::Mat(bgr.rows, bgr.cols, CV_8U, dst + plane),
                       cv::Mat(bgr.rows, bgr.cols, CV_8U, dst)};
  cv::split(bgr, planes);
  if (planes[2].data != dst) throw Error("write_chw_rgb: cv::split reallocated its output");
}

}  // namespace autodet
