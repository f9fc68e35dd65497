#pragma once
// The images of a job that cannot be decoded: found once, before any trial starts (every file
// decoded, in parallel), each named in a warning, recorded in the job's record (`jobs show`) and
// left out of training and validation by every trial. Too many of them fail the job.
#include <string>
#include <utility>
#include <vector>

#include "data/dataset.h"
#include "data/decode_check.h"

namespace autodet {

// A job fails when more than this share of its image files cannot be used (docs/training.md).
inline constexpr double kMaxUnusableImageShare = 0.10;

// Decodes every image of data once (threads: 0 = one per hardware thread), adds those the readers
// already left out (`rejected`), warns once per file and removes them from data. Returns them all.
// DataError naming data_path, how many and the first few when more than kMaxUnusableImageShare of
// the files are unusable, or when no training or validation image is left.
std::vector<UnusableImage> leave_out_unusable_images(std::pair<Dataset, Dataset>& data,
                                                     const std::vector<UnusableImage>& rejected,
                                                     const std::string& data_path, unsigned threads);

// Removes the images a job's record lists (set_job_skipped_images): what its trials do instead
// of decoding everything again. DataError when no training or validation image is left.
void leave_out_recorded_images(std::pair<Dataset, Dataset>& data, const std::string& recorded, const std::string& data_path);

// As the run store keeps them: a JSON array of {"path", "reason"}.
std::string unusable_images_json(const std::vector<UnusableImage>& images);

}  // namespace autodet
