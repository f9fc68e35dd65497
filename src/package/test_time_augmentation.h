#pragma once
// Test-time augmentation (TTA): each image (and each tile) also goes through the model mirrored
// left to right and at other input sizes, and the boxes of all passes are fused by weighted box
// fusion (Solovyev, Wang and Gabruseva, "Weighted boxes fusion", 2019): boxes of one class that
// overlap are averaged, weighted by their scores, rather than all but one dropped as NMS does.
// The inference setting `test_time_augmentation` (docs/predict.md) picks the passes.
#include <optional>
#include <string>
#include <vector>

#include "package/detection.h"

namespace autodet {

enum class TestTimeAugmentation {
  none,              // one pass
  flip,              // the image and its mirror: 2 passes
  multi_scale_flip,  // the image and its mirror at 0.85, 1 and 1.15 times the input size: 6 passes
};

std::string to_string(TestTimeAugmentation t);
// "none", "flip", "multi_scale_flip" (any case, '-' or ' ' for '_'); nothing for another word.
std::optional<TestTimeAugmentation> parse_test_time_augmentation(const std::string& text);
// Every value's name, cheapest first.
std::vector<std::string> test_time_augmentation_names();

// One pass of the model over an input: its square input size and whether it is mirrored.
struct AugmentedPass {
  int img_size = 0;
  bool flip = false;
  bool operator==(const AugmentedPass& o) const { return img_size == o.img_size && flip == o.flip; }
};

// The passes of `t` for input size `img_size` (a multiple of 32), the plain pass first. Other
// sizes are 0.85 and 1.15 times img_size rounded to a multiple of 32 (at least 32; the same size
// is not run twice). resizable false (a family that resizes inputs itself): only the mirror.
std::vector<AugmentedPass> augmented_passes(TestTimeAugmentation t, int img_size, bool resizable);

// Weighted box fusion of the detections of `passes` passes over one image (or tile), in the same
// pixels: by decreasing score, each box joins the cluster of its class whose fused box it overlaps
// most with IoU above iou_threshold, or starts one. A cluster's box is the score-weighted mean of
// its members' corners, its score their mean score times min(members, passes) / passes, so a box
// found by one pass of six keeps a sixth of its score. Returns the fused boxes by decreasing score.
ImageDetections fuse_boxes(std::vector<Detection> detections, int passes, double iou_threshold);

}  // namespace autodet
