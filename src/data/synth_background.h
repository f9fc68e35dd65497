#pragma once
// Textured backgrounds for the synthetic dataset, and the things drawn on top that belong to
// no class: faint lines, scribbles and blobs before the objects, pixel noise and blur after.
#include <opencv2/core.hpp>

#include "core/rng.h"

namespace autodet::synth {

// A CV_8UC3 image of `size`: a two-colour gradient or smooth colour noise, sometimes overlaid
// with faint stripes or a checkerboard at a random angle and period.
cv::Mat make_background(cv::Size size, Rng& rng);

// Paints a few faint distractors (lines, scribbles, irregular blobs) onto image.
void add_distractors(cv::Mat& image, Rng& rng);

// Camera-like finish: sometimes a slight blur, usually a little per-pixel noise.
void add_finish(cv::Mat& image, Rng& rng);

}  // namespace autodet::synth
