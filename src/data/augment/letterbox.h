#pragma once
// Letterboxing (YOLOv5 validation and inference): resize so the long side equals `size`
// (INTER_AREA when shrinking, INTER_LINEAR when enlarging), then pad with grey 114 to size x size,
// centred. LetterboxInfo keeps what is needed to map boxes back to the original image.
#include <opencv2/core.hpp>

#include "data/augment/labeled_box.h"

namespace autodet {

constexpr int kPadValue = 114;  // YOLOv5's grey for padding and empty mosaic areas

// How an original image was placed in the letterboxed one: x_letterbox = x_original * scale_x + pad_x.
// scale_x and scale_y are the exact ratios of the rounded resized size to the original size.
struct LetterboxInfo {
  int orig_width = 0, orig_height = 0;
  double scale_x = 1, scale_y = 1;
  double pad_x = 0, pad_y = 0;

  LabeledBox to_letterbox(const LabeledBox& b) const;
  LabeledBox to_original(const LabeledBox& b) const;  // not clipped to the image
};

// Size (w, h) of an image of orig_w x orig_h resized so its long side is long_side (each side >= 1).
cv::Size long_side_size(int orig_w, int orig_h, int long_side);

// Resizes img to long_side_size(...); returns img itself (shared, not copied) when the size is already right.
// area_when_shrinking: INTER_AREA when shrinking (validation); otherwise INTER_LINEAR (training, like YOLOv5).
cv::Mat resize_long_side(const cv::Mat& img, int long_side, bool area_when_shrinking);

// Pads an image no larger than size x size to exactly size x size, centred (odd padding puts the
// extra pixel right/bottom); always returns a new matrix. pad_x/pad_y receive the left/top padding.
cv::Mat pad_to_square(const cv::Mat& img, int size, int* pad_x, int* pad_y);

// Resize + pad; fills *info (may be null).
cv::Mat letterbox(const cv::Mat& img, int size, LetterboxInfo* info);
// Resizes to size x size without keeping the aspect ratio (FastestDet's input); INTER_AREA when
// the image has more pixels than the square, else INTER_LINEAR. Fills *info (no padding).
cv::Mat stretch_to_square(const cv::Mat& img, int size, LetterboxInfo* info);

}  // namespace autodet
