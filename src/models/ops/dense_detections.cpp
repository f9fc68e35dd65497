#include "models/ops/dense_detections.h"

#include <torch/torch.h>

#include "models/ops/box_ops.h"
#include "models/ops/nms.h"

namespace autodet::models {

torch::Tensor flatten_dense_output(const std::vector<torch::Tensor>& per_level, std::int64_t width) {
  std::vector<torch::Tensor> out;
  out.reserve(per_level.size());
  for (const auto& x : per_level) {
    const auto B = x.size(0), H = x.size(2), W = x.size(3);
    out.push_back(x.view({B, -1, width, H, W}).permute({0, 3, 4, 1, 2}).reshape({B, -1, width}));
  }
  return torch::cat(out, 1);
}

torch::Tensor dense_detections(const std::vector<torch::Tensor>& level_scores,
                               const std::function<torch::Tensor(std::size_t, const torch::Tensor&)>& decode,
                               std::int64_t ih, std::int64_t iw, const DenseDetectionSettings& s) {
  std::vector<torch::Tensor> boxes, scores, labels;
  for (std::size_t l = 0; l < level_scores.size(); ++l) {
    const std::int64_t K = level_scores[l].size(1);
    auto sc = level_scores[l].flatten();
    auto idx = torch::nonzero(sc > s.score_thresh).squeeze(1);
    sc = sc.index_select(0, idx);
    auto top = sc.topk(std::min<std::int64_t>(s.topk_candidates, idx.numel()));
    sc = std::get<0>(top);
    idx = idx.index_select(0, std::get<1>(top));
    boxes.push_back(clip_boxes_to_image(decode(l, torch::div(idx, K, "floor")), ih, iw));
    scores.push_back(sc);
    labels.push_back(idx.remainder(K));
  }
  auto all_boxes = torch::cat(boxes), all_scores = torch::cat(scores), all_labels = torch::cat(labels);
  auto keep = torchvision_batched_nms(all_boxes, all_scores, all_labels, s.nms_thresh);
  keep = keep.slice(0, 0, std::min<std::int64_t>(keep.numel(), s.detections));
  return torch::cat({all_boxes.index_select(0, keep), all_scores.index_select(0, keep).unsqueeze(1),
                     all_labels.index_select(0, keep).unsqueeze(1).to(all_boxes.dtype())},
                    1);
}

}  // namespace autodet::models
