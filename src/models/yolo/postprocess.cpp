#include "models/yolo/postprocess.h"

#include <torch/torch.h>

#include "core/error.h"
#include "models/ops/box_ops.h"
#include "models/ops/nms.h"

namespace autodet::models {

using torch::indexing::Slice;

std::vector<torch::Tensor> yolo_non_max_suppression(const torch::Tensor& prediction, const YoloNmsOptions& o) {
  if (prediction.dim() != 3 || prediction.size(2) < 6) throw UsageError("yolo nms: prediction must be (B, N, 5 + nc)");
  if (o.max_detections < 1) throw UsageError("yolo nms: max_detections must be at least 1");
  torch::NoGradGuard no_grad;
  const auto pred = prediction.detach();
  const double thr = o.score_threshold;
  std::vector<torch::Tensor> out;
  out.reserve(std::size_t(pred.size(0)));
  for (std::int64_t xi = 0; xi < pred.size(0); ++xi) {
    auto x = pred[xi];
    x = x.index({x.select(1, 4) > thr});  // objectness bounds the score
    torch::Tensor det;
    if (x.size(0) > 0) {
      auto scores = x.index({Slice(), Slice(5, torch::indexing::None)}) * x.index({Slice(), Slice(4, 5)});
      auto box = xywh_to_xyxy(x.index({Slice(), Slice(0, 4)}));
      if (o.multi_label) {
        auto ij = (scores > thr).nonzero();  // (k, 2): row, class
        auto i = ij.select(1, 0), j = ij.select(1, 1);
        det = torch::cat({box.index({i}), scores.index({i, j}).unsqueeze(1), j.unsqueeze(1).to(x.scalar_type())}, 1);
      } else {
        auto [conf, j] = scores.max(1, /*keepdim=*/true);
        det = torch::cat({box, conf, j.to(x.scalar_type())}, 1).index({conf.view(-1) > thr});
      }
    }
    if (!det.defined() || det.size(0) == 0) {
      out.push_back(torch::zeros({0, 6}, pred.options()));
      continue;
    }
    if (det.size(0) > o.max_nms) {
      auto order = std::get<1>(det.select(1, 4).sort(/*stable=*/true, /*dim=*/0, /*descending=*/true));
      det = det.index({order.narrow(0, 0, o.max_nms)});
    }
    auto boxes = det.index({Slice(), Slice(0, 4)}), conf = det.select(1, 4);
    auto keep = o.agnostic ? nms(boxes, conf, o.iou_threshold)
                           : per_class_nms(boxes, conf, det.select(1, 5).to(torch::kLong), o.iou_threshold);
    if (keep.size(0) > o.max_detections) keep = keep.narrow(0, 0, o.max_detections);
    out.push_back(det.index({keep}));
  }
  return out;
}

}  // namespace autodet::models
