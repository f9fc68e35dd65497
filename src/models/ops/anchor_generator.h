#pragma once
// torchvision's AnchorGenerator: per feature level, cell anchors for each (aspect ratio, size)
// pair (aspect = h / w, rounded to whole pixels, centred on 0), shifted to every grid cell at
// the level's stride (padded input size // grid size). Anchors are ordered by cell, then by cell
// anchor, as the heads' outputs are flattened.
#include <cstdint>
#include <vector>

#include <torch/types.h>

namespace autodet::models {

class AnchorGenerator {
 public:
  // sizes[l], aspect_ratios[l]: level l's anchor sizes and h/w ratios.
  AnchorGenerator(std::vector<std::vector<double>> sizes, std::vector<std::vector<double>> aspect_ratios);
  // Faster R-CNN's: sizes 32..512 (one per level), ratios 0.5, 1, 2.
  static AnchorGenerator rcnn_default();

  // Anchors per cell of level l.
  std::int64_t anchors_per_location(std::size_t level = 0) const;
  // (A_total, 4) xyxy anchors of one image for features of the given sizes, over an input
  // (padded batch) of image_h x image_w; with the anchor count of each level.
  torch::Tensor anchors(const std::vector<torch::Tensor>& features, std::int64_t image_h, std::int64_t image_w,
                        std::vector<std::int64_t>* per_level = nullptr) const;

  // The (A, 4) cell anchors of level l.
  const torch::Tensor& cell_anchors(std::size_t level) const { return cell_[level]; }

 private:
  std::vector<std::vector<double>> sizes_, ratios_;
  std::vector<torch::Tensor> cell_;
};

}  // namespace autodet::models
