#pragma once
// The box type the augmentations and the loader work on: pixel corners of the current image
// (x0,y0) top-left, (x1,y1) bottom-right, and the class index (position in the sorted class list).
#include <vector>

namespace autodet {

struct LabeledBox {
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  int cls = 0;

  double width() const { return x1 - x0; }
  double height() const { return y1 - y0; }
};

using LabeledBoxes = std::vector<LabeledBox>;

}  // namespace autodet
