#pragma once
// The training/validation data loader: worker threads decode, augment and batch images ahead of
// the consumer into a bounded window of `prefetch_batches`; next() hands batches out in order.
// Batches depend only on (dataset, options, seed, epoch), never on the number of workers.
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "data/loader/batch.h"
#include "data/loader/image_cache.h"
#include "data/loader/loader_options.h"

namespace autodet {

class DetectionLoader {
 public:
  // classes: the class list (index = position, normally Dataset::classes()). Throws UsageError for
  // bad options and DataError for an unresolved image path or an unknown label. Starts the workers.
  DetectionLoader(const Dataset& dataset, std::vector<std::string> classes, LoaderOptions options);
  // Stops and joins the workers, also in the middle of an epoch.
  ~DetectionLoader();
  DetectionLoader(const DetectionLoader&) = delete;
  DetectionLoader& operator=(const DetectionLoader&) = delete;

  // Begins (or restarts) epoch `epoch`: abandons what is left of the current one.
  void start_epoch(int epoch);
  // Blocks until the next batch is ready; nullopt at the end of the epoch. An image that no longer
  // decodes is replaced (ImageSource::load; Batch::indices says by which); an error nothing can
  // cure (no image decodes) is rethrown, and after that the epoch is over.
  std::optional<Batch> next();

  std::size_t batches_per_epoch() const;
  std::size_t images() const;
  int workers() const;
  const LoaderOptions& options() const;
  ImageCacheStats cache_stats() const;
  // Seconds next() has spent waiting for a batch since construction: the time the consumer
  // (the training step) was starved of data. Near 0 when the loader keeps ahead.
  double wait_seconds() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace autodet
