#pragma once
// What a YOLOv5 (v6 graph) costs to run, counted from its architecture without building it: the
// multiply-accumulates (MACs) of every convolution at a square image size, and the convolution
// weights. AutoMode uses it to estimate a configuration's training time before running it.
#include <string>

namespace autodet {

// Convolution multiply-accumulates of one forward pass of one image, and convolution weights
// (no biases, no batch-norm parameters).
struct ConvCost {
  double macs = 0;
  double weights = 0;
};

// model_size: nano, small, medium, large, extra_large; image_size: a multiple of 32; 3 anchors per level.
// UsageError for an unknown size.
ConvCost yolov5_conv_cost(const std::string& model_size, int image_size, int num_classes);

// MACs of one training step per image: the forward pass and a backward pass of about twice its cost.
inline double training_macs_per_image(const ConvCost& c) { return 3.0 * c.macs; }

}  // namespace autodet
