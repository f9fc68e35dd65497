#pragma once
// The parameters of pycocotools' bbox evaluation (Params.setDetParams), with its exact
// floating-point threshold values.
#include <string>
#include <vector>

namespace autodet::eval {

// An object-size range on box area in square pixels; both bounds are inclusive.
struct AreaRange {
  std::string name;  // "all", "small", "medium", "large"
  double lo = 0, hi = 0;
  bool contains(double area) const { return !(area < lo || area > hi); }
};

struct CocoParams {
  std::vector<double> iou_thresholds;     // .50:.05:.95 (10 values)
  std::vector<double> recall_thresholds;  // 0:.01:1 (101 values)
  std::vector<int> max_dets;              // 1, 10, 100, sorted ascending; the last one is per image and class
  std::vector<AreaRange> area_ranges;     // all, small, medium, large

  static CocoParams defaults();
};

// numpy.linspace(start, stop, num) in float64: start + i*step, the last value exactly stop.
std::vector<double> linspace(double start, double stop, int num);

}  // namespace autodet::eval
