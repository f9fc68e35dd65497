#pragma once
// One detected object: corners, class index (into the package's labels.json) and score.
// Whether the corners are pixels or normalized to [0, 1] is said by whoever returns it.
#include <vector>

namespace autodet {

struct Detection {
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  int cls = 0;
  double score = 0;
};

// The detections of one image, by decreasing score.
using ImageDetections = std::vector<Detection>;

}  // namespace autodet
