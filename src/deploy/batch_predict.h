#pragma once
// Batch prediction over image files (spec R7.6, R7.7): one thread decodes ahead while the model
// runs, another writes the JSONL lines and the pictures, so a folder goes at the model's pace.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/image_io.h"
#include "deploy/predict_inputs.h"
#include "deploy/scorer.h"

namespace autodet {

struct BatchPredictOptions {
  int batch = 16;                                         // images per scorer call
  std::int64_t max_image_pixels = kDefaultMaxImagePixels;  // larger images are refused unread
  std::string draw_dir;     // "": no pictures
  std::string draw_format;  // "jpg" or "png"; "": the input's own when it is one of those, else jpg
};

struct BatchPredictSummary {
  std::size_t images = 0;  // predicted
  std::size_t failed = 0;  // unreadable, or their picture could not be written
  std::size_t boxes = 0;
  double seconds = 0;
};

// Predicts every input with `settings`; write_line gets each image's JSONL line (R7.4), in input
// order, from one thread. An image that cannot be decoded or drawn is logged as one error line
// naming its file and counted in failed; the others go on.
BatchPredictSummary predict_images(Scorer& scorer, const std::vector<PredictInput>& inputs,
                                   const InferenceSettings& settings, const BatchPredictOptions& options,
                                   const std::function<void(const std::string& line)>& write_line);

// Where the picture of an input goes under draw_dir, with the extension of the chosen format.
std::string picture_path(const std::string& draw_dir, const PredictInput& input, const std::string& draw_format);

}  // namespace autodet
