#pragma once
// A model package made from an upstream checkpoint (`autodet weights package`): a state_dict the
// upstream code wrote for a registered architecture (torchvision's Faster R-CNN COCO detector,
// say) becomes a package that predict, serve and export read like a trained one.
#include <string>
#include <vector>

namespace autodet {

struct CheckpointPackageOptions {
  std::string file;                 // the .pth
  std::string arch;                 // a registered model_name
  std::string out_dir;
  std::vector<std::string> labels;  // empty: the family's COCO class list
  int min_size = 800, max_size = 1333;  // torchvision's own defaults for its COCO detectors
  // Defaults in settings.json; < 0: the upstream model's own (torchvision's FCOS 0.2 and 0.6,
  // its other detectors 0.05 and 0.5).
  double box_score_thresh = -1, nms_iou_thresh = -1;
};

// Writes the package; returns a line saying what it holds. Every tensor of the architecture must
// be in the file (DataError naming the file and tensor otherwise). The package scores each image
// at its own size through the family's transform, as the upstream code does.
std::string write_checkpoint_package(const CheckpointPackageOptions& options);

}  // namespace autodet
