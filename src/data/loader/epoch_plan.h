#pragma once
// What one epoch delivers, fixed by (seed, epoch) alone: the image order, the batches, each
// batch's image size (multi-scale) and each sample's generator seed. Nothing here depends on
// threads, so the batches are the same with any number of workers.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "data/loader/loader_options.h"

namespace autodet {

struct EpochPlan {
  std::vector<std::size_t> order;  // dataset indices in delivery order (only the delivered ones)
  std::vector<int> batch_dims;     // per batch: square image size in pixels
  int batch_size = 0;

  std::size_t batches() const { return batch_dims.size(); }
  std::size_t samples() const { return order.size(); }
  std::size_t batch_of(std::size_t sample) const { return sample / std::size_t(batch_size); }
  // Images in batch b (the last one may be short unless drop_last).
  int batch_count(std::size_t b) const;
};

// Batches per epoch for n images.
std::size_t batches_for(std::size_t images, const LoaderOptions& options);

EpochPlan make_epoch_plan(std::size_t images, const LoaderOptions& options, int epoch);

// The generator seed of dataset image `index` in `epoch`.
std::uint64_t sample_seed(std::uint64_t seed, int epoch, std::size_t index);

// Multi-scale size range for image_size s: multiples of 32 within [0.5 s, 1.5 s] (at least 32).
int multi_scale_min(int image_size);
int multi_scale_max(int image_size);

}  // namespace autodet
