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

// Loads every tensor of the detector from a PyTorch file written by the upstream code for the
// same architecture and classes (torchvision's state_dict of a Faster R-CNN, say): names through
// Detector::tensor_name, bookkeeping entries the model has no use for (num_batches_tracked)
// ignored. Throws DataError naming the file and the first tensor that is missing or of another
// shape. Returns how many tensors were loaded.
std::size_t load_whole_weights(Detector& detector, const std::string& path);

}  // namespace autodet::models
