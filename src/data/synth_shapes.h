#pragma once
// The synthetic dataset's shape classes as geometry (polygons in continuous pixel
// coordinates), and their anti-aliased rasterisation into coverage masks that are painted
// onto an image. Used by the generator in synth.cpp and by its background distractors.
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "core/rng.h"

namespace autodet::synth {

// Names of the shape kinds, in the order `--classes K` takes the first K of them.
const std::vector<std::string>& shape_kinds();

// A filled shape: the first contour is the outline, any further contours are holes (even-odd
// fill). Coordinates put pixel (i, j) at [i, i+1) x [j, j+1), as dataset boxes do.
struct Shape {
  std::vector<std::vector<cv::Point2d>> contours;

  double area() const;        // filled area in pixels (outline minus holes)
  cv::Rect2d bounds() const;  // tight box of the outline
  void translate(cv::Point2d by);
};

// A random instance of shape_kinds()[kind] whose box's longer side is `extent` pixels, centred
// on the origin, rotated at random where the kind allows it (never a circle; a square and a
// diamond only a little, so the two stay distinct).
Shape make_shape(std::size_t kind, double extent, Rng& rng);

// A random irregular blob (a jagged radial polygon) of about `radius`, centred on the origin:
// a distractor that looks like no class.
Shape make_blob(double radius, Rng& rng);

// Anti-aliased coverage (0..255, CV_8U) of a shape over `roi`, the part of the image it touches.
struct Coverage {
  cv::Rect roi;
  cv::Mat mask;  // roi-sized

  bool empty() const { return roi.empty(); }
  std::int64_t sum() const;  // total coverage; 255 per fully covered pixel
};

// Rasterises a shape clipped to an image of `size`.
Coverage rasterise(const Shape& shape, cv::Size size);

// Blends `fill` (CV_8UC3, roi-sized) into image (CV_8UC3) through the coverage, scaled by
// opacity (0..255). Integer arithmetic only, so the result is the same on every machine.
void paint(cv::Mat& image, const Coverage& coverage, const cv::Mat& fill, int opacity = 255);
void paint(cv::Mat& image, const Coverage& coverage, const cv::Vec3b& colour, int opacity = 255);

}  // namespace autodet::synth
