#include "eval/coco_params.h"

namespace autodet::eval {

std::vector<double> linspace(double start, double stop, int num) {
  std::vector<double> v;
  if (num <= 0) return v;
  v.resize(std::size_t(num));
  if (num == 1) {
    v[0] = start;
    return v;
  }
  const double step = (stop - start) / double(num - 1);
  for (int i = 0; i < num; ++i) v[std::size_t(i)] = double(i) * step + start;
  v.back() = stop;
  return v;
}

CocoParams CocoParams::defaults() {
  CocoParams p;
  p.iou_thresholds = linspace(0.5, 0.95, 10);
  p.recall_thresholds = linspace(0.0, 1.0, 101);
  p.max_dets = {1, 10, 100};
  p.area_ranges = {{"all", 0.0, 1e5 * 1e5}, {"small", 0.0, 32.0 * 32.0}, {"medium", 32.0 * 32.0, 96.0 * 96.0},
                   {"large", 96.0 * 96.0, 1e5 * 1e5}};
  return p;
}

}  // namespace autodet::eval
