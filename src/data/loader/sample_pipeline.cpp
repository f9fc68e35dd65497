#include "data/loader/sample_pipeline.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "data/augment/crop_expand.h"
#include "data/augment/flip.h"
#include "data/augment/hsv.h"
#include "data/augment/mosaic.h"
#include "data/augment/random_affine.h"

namespace autodet {
namespace {

constexpr double kFlipProbability = 0.5;  // YOLOv5 fliplr
// R4.4's p, which Azure's sources do not give: an even chance for each step.
constexpr double kRcnnAugmentProbability = 0.5;

// Letterbox a loaded image (long side already `size`) onto size x size; boxes follow.
Sample letterboxed(LoadedImage loaded, int size) {
  Sample s;
  s.index = loaded.index;
  int px = 0, py = 0;
  s.image = pad_to_square(loaded.image, size, &px, &py);
  s.letterbox.orig_width = loaded.orig_width;
  s.letterbox.orig_height = loaded.orig_height;
  s.letterbox.scale_x = double(loaded.image.cols) / loaded.orig_width;
  s.letterbox.scale_y = double(loaded.image.rows) / loaded.orig_height;
  s.letterbox.pad_x = px;
  s.letterbox.pad_y = py;
  s.boxes = std::move(loaded.boxes);
  for (LabeledBox& b : s.boxes) b.x0 += px, b.x1 += px, b.y0 += py, b.y1 += py;
  return s;
}

// Stretches a loaded image (already size x size when the source stretches) to size x size; boxes
// follow. The letterbox info maps back to the original image.
Sample stretched(LoadedImage loaded, int size) {
  Sample s;
  s.index = loaded.index;
  const double sx = double(size) / loaded.image.cols, sy = double(size) / loaded.image.rows;
  if (loaded.image.cols == size && loaded.image.rows == size) s.image = loaded.image;
  else cv::resize(loaded.image, s.image, cv::Size(size, size), 0, 0, cv::INTER_LINEAR);
  s.letterbox.orig_width = loaded.orig_width;
  s.letterbox.orig_height = loaded.orig_height;
  s.letterbox.scale_x = double(size) / loaded.orig_width;
  s.letterbox.scale_y = double(size) / loaded.orig_height;
  s.boxes = std::move(loaded.boxes);
  for (LabeledBox& b : s.boxes) b.x0 *= sx, b.x1 *= sx, b.y0 *= sy, b.y1 *= sy;
  return s;
}

// The validation form of one image: letterboxed, or stretched when the model wants that.
Sample resized(LoadedImage loaded, int size, bool stretch) {
  return stretch ? stretched(std::move(loaded), size) : letterboxed(std::move(loaded), size);
}

// Clips boxes to the image and drops empty ones.
void clip_boxes(LabeledBoxes& boxes, int width, int height) {
  LabeledBoxes kept;
  kept.reserve(boxes.size());
  for (LabeledBox b : boxes) {
    b.x0 = std::clamp(b.x0, 0.0, double(width)), b.x1 = std::clamp(b.x1, 0.0, double(width));
    b.y0 = std::clamp(b.y0, 0.0, double(height)), b.y1 = std::clamp(b.y1, 0.0, double(height));
    if (b.width() > 0 && b.height() > 0) kept.push_back(b);
  }
  boxes = std::move(kept);
}

// R4.4 on the image at its loaded size, then the long side back to `size`, letterboxed.
Sample rcnn_sample(const ImageSource& source, std::size_t index, int size, bool augment, Rng& rng) {
  LoadedImage loaded = source.load(index, size);
  if (augment) {
    rcnn_train_augment(loaded.image, loaded.boxes, kRcnnAugmentProbability, rng);
    const double k = double(size) / std::max(loaded.image.cols, loaded.image.rows);
    if (k != 1.0) {
      cv::Mat out;
      cv::resize(loaded.image, out, cv::Size(std::max(1, int(std::lround(loaded.image.cols * k))),
                                             std::max(1, int(std::lround(loaded.image.rows * k)))),
                 0, 0, cv::INTER_LINEAR);
      const double kx = double(out.cols) / loaded.image.cols, ky = double(out.rows) / loaded.image.rows;
      for (LabeledBox& b : loaded.boxes) b.x0 *= kx, b.x1 *= kx, b.y0 *= ky, b.y1 *= ky;
      loaded.image = out;
    }
  }
  return letterboxed(std::move(loaded), size);
}

Sample mosaic_sample(const ImageSource& source, std::size_t index, int size, const AffineParams& affine, Rng& rng) {
  std::vector<std::size_t> picks{index, rng.below(source.size()), rng.below(source.size()), rng.below(source.size())};
  rng.shuffle(picks);
  std::array<MosaicPiece, 4> pieces;
  Sample s;
  for (int i = 0; i < 4; ++i) {
    LoadedImage loaded = source.load(picks[i], size);
    if (picks[i] == index) {
      s.index = loaded.index;
      // The letterbox info of a training sample describes its own image's resize only.
      s.letterbox.orig_width = loaded.orig_width;
      s.letterbox.orig_height = loaded.orig_height;
      s.letterbox.scale_x = double(loaded.image.cols) / loaded.orig_width;
      s.letterbox.scale_y = double(loaded.image.rows) / loaded.orig_height;
    }
    pieces[i] = MosaicPiece{loaded.image, std::move(loaded.boxes)};
  }
  const cv::Mat canvas = mosaic4(pieces, size, rng, &s.boxes);
  s.image = random_affine(canvas, s.boxes, affine, -size / 2, rng);
  return s;
}

}  // namespace

Sample make_sample(const ImageSource& source, std::size_t index, int size, const LoaderOptions& o, Rng& rng) {
  if (!o.train) {
    Sample s = resized(source.load(index, size), size, o.stretch);
    clip_boxes(s.boxes, size, size);
    return s;
  }
  if (o.rcnn_augment) {
    Sample s = rcnn_sample(source, index, size, o.augment, rng);
    clip_boxes(s.boxes, s.image.cols, s.image.rows);
    return s;
  }
  const AffineParams affine = o.augment ? AffineParams{} : AffineParams::identity();
  Sample s;
  if (o.mosaic) {
    s = mosaic_sample(source, index, size, affine, rng);
  } else {
    s = resized(source.load(index, size), size, o.stretch);
    if (o.augment) s.image = random_affine(s.image, s.boxes, affine, 0, rng);
  }
  augment_hsv(s.image, HsvGains{}, rng);
  if (o.augment) random_flip_horizontal(s.image, s.boxes, kFlipProbability, rng);
  clip_boxes(s.boxes, s.image.cols, s.image.rows);
  return s;
}

}  // namespace autodet
