#include "models/ops/nms.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "core/error.h"

namespace autodet::models {

namespace {

void check_inputs(const torch::Tensor& boxes, const torch::Tensor& scores) {
  if (boxes.dim() != 2 || boxes.size(1) != 4) throw UsageError("nms: boxes must be (N, 4)");
  if (scores.dim() != 1 || scores.size(0) != boxes.size(0)) throw UsageError("nms: scores must be (N) like boxes");
}

// Positions 0..n-1 sorted by decreasing score, stable (NaN first, as torch.sort(descending=True)).
template <typename T>
std::vector<std::int64_t> score_order(const T* s, std::int64_t n) {
  std::vector<std::int64_t> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [s](std::int64_t a, std::int64_t b) {
    if (std::isnan(s[a])) return !std::isnan(s[b]);
    return s[a] > s[b];
  });
  return order;
}

// Greedy suppression over boxes given in score order (sorted copies, so the inner loop streams
// memory). Appends to `kept` the ranks (positions in `ranks`) of the boxes kept. Arithmetic is
// torchvision's CPU kernel, in the same scalar type, so results are identical.
template <typename T>
void suppress(const T* b, const std::vector<std::int64_t>& ranks, const std::vector<std::int64_t>& order,
              double iou_threshold, std::vector<std::int64_t>& kept) {
  const std::size_t n = ranks.size();
  std::vector<T> x0(n), y0(n), x1(n), y1(n), area(n);
  for (std::size_t k = 0; k < n; ++k) {
    const T* p = b + 4 * order[std::size_t(ranks[k])];
    x0[k] = p[0], y0[k] = p[1], x1[k] = p[2], y1[k] = p[3];
    area[k] = (p[2] - p[0]) * (p[3] - p[1]);
  }
  std::vector<unsigned char> suppressed(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    if (suppressed[i]) continue;
    kept.push_back(ranks[i]);
    const T ix0 = x0[i], iy0 = y0[i], ix1 = x1[i], iy1 = y1[i], iarea = area[i];
    for (std::size_t j = i + 1; j < n; ++j) {
      if (suppressed[j]) continue;
      const T w = std::max(T(0), std::min(ix1, x1[j]) - std::max(ix0, x0[j]));
      const T h = std::max(T(0), std::min(iy1, y1[j]) - std::max(iy0, y0[j]));
      const T inter = w * h;
      const T ovr = inter / (iarea + area[j] - inter);
      if (ovr > iou_threshold) suppressed[j] = 1;
    }
  }
}

// Shared driver: `classes` empty means one group.
template <typename T>
std::vector<std::int64_t> run_nms(const torch::Tensor& boxes, const torch::Tensor& scores,
                                  const std::vector<std::int64_t>& classes, double iou_threshold) {
  const std::int64_t n = boxes.size(0);
  const T* b = boxes.data_ptr<T>();
  const auto order = score_order(scores.data_ptr<T>(), n);
  std::vector<std::int64_t> kept;  // ranks in `order`
  if (classes.empty()) {
    std::vector<std::int64_t> ranks(static_cast<std::size_t>(n));
    std::iota(ranks.begin(), ranks.end(), 0);
    suppress(b, ranks, order, iou_threshold, kept);
  } else {
    // Bucket the ranks by class, keeping score order within each bucket.
    std::vector<std::int64_t> by_class(static_cast<std::size_t>(n));
    std::iota(by_class.begin(), by_class.end(), 0);
    std::stable_sort(by_class.begin(), by_class.end(), [&](std::int64_t a, std::int64_t c) {
      return classes[std::size_t(order[std::size_t(a)])] < classes[std::size_t(order[std::size_t(c)])];
    });
    std::vector<std::int64_t> group;
    for (std::size_t s = 0; s < by_class.size();) {
      const auto cls = classes[std::size_t(order[std::size_t(by_class[s])])];
      group.clear();
      while (s < by_class.size() && classes[std::size_t(order[std::size_t(by_class[s])])] == cls) group.push_back(by_class[s++]);
      suppress(b, group, order, iou_threshold, kept);
    }
    std::sort(kept.begin(), kept.end());  // back to global score order
  }
  std::vector<std::int64_t> out(kept.size());
  for (std::size_t k = 0; k < kept.size(); ++k) out[k] = order[std::size_t(kept[k])];
  return out;
}

// CPU, contiguous, float or double copies of the inputs.
std::pair<torch::Tensor, torch::Tensor> prepare(const torch::Tensor& boxes, const torch::Tensor& scores) {
  auto dtype = boxes.scalar_type() == torch::kDouble ? torch::kDouble : torch::kFloat;
  auto b = boxes.detach().to(torch::kCPU, dtype).contiguous();
  auto s = scores.detach().to(torch::kCPU, dtype).contiguous();
  return {b, s};
}

torch::Tensor dispatch(const torch::Tensor& boxes, const torch::Tensor& scores, const std::vector<std::int64_t>& classes,
                       double iou_threshold, const torch::Device& device) {
  std::vector<std::int64_t> keep = boxes.scalar_type() == torch::kDouble
                                       ? run_nms<double>(boxes, scores, classes, iou_threshold)
                                       : run_nms<float>(boxes, scores, classes, iou_threshold);
  auto out = torch::tensor(keep, torch::kLong);
  if (keep.empty()) out = torch::empty({0}, torch::kLong);
  return out.to(device);
}

}  // namespace

torch::Tensor nms(const torch::Tensor& boxes, const torch::Tensor& scores, double iou_threshold) {
  check_inputs(boxes, scores);
  if (boxes.size(0) == 0) return torch::empty({0}, torch::TensorOptions(torch::kLong).device(boxes.device()));
  auto [b, s] = prepare(boxes, scores);
  return dispatch(b, s, {}, iou_threshold, boxes.device());
}

torch::Tensor batched_nms(const torch::Tensor& boxes, const torch::Tensor& scores, const torch::Tensor& idxs,
                          double iou_threshold) {
  check_inputs(boxes, scores);
  if (boxes.size(0) == 0) return torch::empty({0}, torch::TensorOptions(torch::kLong).device(boxes.device()));
  auto [b, s] = prepare(boxes, scores);
  // torchvision: offsets = idxs.to(boxes) * (boxes.max() + 1), in the boxes' dtype.
  auto offsets = idxs.detach().to(torch::kCPU, b.scalar_type()) * (b.max() + torch::ones({}, b.options()));
  auto shifted = (b + offsets.unsqueeze(1)).contiguous();
  return dispatch(shifted, s, {}, iou_threshold, boxes.device());
}

torch::Tensor per_class_nms(const torch::Tensor& boxes, const torch::Tensor& scores, const torch::Tensor& idxs,
                            double iou_threshold) {
  check_inputs(boxes, scores);
  if (idxs.dim() != 1 || idxs.size(0) != boxes.size(0)) throw UsageError("nms: idxs must be (N) like boxes");
  if (boxes.size(0) == 0) return torch::empty({0}, torch::TensorOptions(torch::kLong).device(boxes.device()));
  auto [b, s] = prepare(boxes, scores);
  auto c = idxs.detach().to(torch::kCPU, torch::kLong).contiguous();
  std::vector<std::int64_t> classes(c.data_ptr<std::int64_t>(), c.data_ptr<std::int64_t>() + c.numel());
  return dispatch(b, s, classes, iou_threshold, boxes.device());
}

torch::Tensor torchvision_batched_nms(const torch::Tensor& boxes, const torch::Tensor& scores, const torch::Tensor& idxs,
                                      double iou_threshold) {
  if (boxes.numel() > 4000) return per_class_nms(boxes, scores, idxs, iou_threshold);
  return batched_nms(boxes, scores, idxs, iou_threshold);
}

}  // namespace autodet::models
