#pragma once
// Where a training run's weights start: published weights (a family's COCO detector or ImageNet
// backbone, a user's .pth file) copied onto a freshly built detector, the layers that depend on
// the class count left as initialised.
#include <string>

#include "models/detector.h"

namespace autodet::models {

// Resolved by the job layer from training_parameters.pretrained_weights / checkpoint_filename.
struct StartWeights {
  std::string path;     // a PyTorch file (torch.save) or an autodet weight file
  std::string kind;     // "coco" | "imagenet" | "file"
  std::string prefix;   // prepended to the file's tensor names ("backbone." for a backbone file)
  bool whole = false;   // the file holds the whole detector (not only its backbone)
};

// Copies the file's tensors that match the detector's by name and shape, skipping its class
// layers; returns a line saying what was loaded. Throws DataError naming the file when nothing fits.
std::string load_start_weights(Detector& detector, const StartWeights& start);

}  // namespace autodet::models
