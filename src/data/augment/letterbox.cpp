#include "data/augment/letterbox.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

namespace autodet {

LabeledBox LetterboxInfo::to_letterbox(const LabeledBox& b) const {
  return LabeledBox{b.x0 * scale_x + pad_x, b.y0 * scale_y + pad_y, b.x1 * scale_x + pad_x, b.y1 * scale_y + pad_y, b.cls};
}

LabeledBox LetterboxInfo::to_original(const LabeledBox& b) const {
  return LabeledBox{(b.x0 - pad_x) / scale_x, (b.y0 - pad_y) / scale_y, (b.x1 - pad_x) / scale_x, (b.y1 - pad_y) / scale_y,
                    b.cls};
}

cv::Size long_side_size(int orig_w, int orig_h, int long_side) {
  const double r = double(long_side) / std::max(orig_w, orig_h);
  return cv::Size(std::max(1, int(std::lround(orig_w * r))), std::max(1, int(std::lround(orig_h * r))));
}

cv::Mat resize_long_side(const cv::Mat& img, int long_side, bool area_when_shrinking) {
  const cv::Size to = long_side_size(img.cols, img.rows, long_side);
  if (to == img.size()) return img;
  const bool shrinking = to.width < img.cols;
  cv::Mat out;
  cv::resize(img, out, to, 0, 0, shrinking && area_when_shrinking ? cv::INTER_AREA : cv::INTER_LINEAR);
  return out;
}

cv::Mat pad_to_square(const cv::Mat& img, int size, int* pad_x, int* pad_y) {
  const int dw = std::max(0, size - img.cols), dh = std::max(0, size - img.rows);
  const int left = dw / 2, top = dh / 2;
  cv::Mat out;
  cv::copyMakeBorder(img, out, top, dh - top, left, dw - left, cv::BORDER_CONSTANT, cv::Scalar::all(kPadValue));
  if (pad_x) *pad_x = left;
  if (pad_y) *pad_y = top;
  return out;
}

cv::Mat letterbox(const cv::Mat& img, int size, LetterboxInfo* info) {
  const cv::Mat resized = resize_long_side(img, size, true);
  int px = 0, py = 0;
  cv::Mat out = pad_to_square(resized, size, &px, &py);
  if (info) {
    info->orig_width = img.cols;
    info->orig_height = img.rows;
    info->scale_x = double(resized.cols) / img.cols;
    info->scale_y = double(resized.rows) / img.rows;
    info->pad_x = px;
    info->pad_y = py;
  }
  return out;
}

}  // namespace autodet

namespace autodet {

cv::Mat stretch_to_square(const cv::Mat& img, int size, LetterboxInfo* info) {
  cv::Mat out;
  const bool shrinking = img.cols * img.rows > size * size;
  cv::resize(img, out, cv::Size(size, size), 0, 0, shrinking ? cv::INTER_AREA : cv::INTER_LINEAR);
  if (info) {
    info->orig_width = img.cols;
    info->orig_height = img.rows;
    info->scale_x = double(size) / img.cols;
    info->scale_y = double(size) / img.rows;
    info->pad_x = 0;
    info->pad_y = 0;
  }
  return out;
}

}  // namespace autodet
