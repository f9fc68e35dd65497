#pragma once
// Choosing where a job's training starts (training_parameters.pretrained_weights and
// checkpoint_filename): the family's published COCO detector or ImageNet backbone found in the
// weights folder, a user's weight file, or random initialisation.
#include <optional>
#include <string>

#include "automl/training_params.h"
#include "models/pretrained.h"

namespace autodet {

// What the trainer starts from. init_weights: an autodet weight file (model.pt of an earlier run)
// continues training as incremental training does; start: published or user weights copied onto
// a fresh detector.
struct StartChoice {
  std::string init_weights;
  std::optional<models::StartWeights> start;
  std::string note;  // one line for the log: what was chosen, or why training starts from scratch
};

// Throws DataError naming the missing file and how to provide it when the job asked for weights
// that cannot be found (auto included, for a family that publishes weights), unless it said none.
StartChoice choose_start_weights(const TrainingParams& params);

// Whether the weights folder holds the family's published weights of that kind ("coco",
// "imagenet") for model_size (ignored when the family is sizeless).
bool published_weights_cached(const std::string& family, const std::string& model_size, const std::string& kind);

}  // namespace autodet
