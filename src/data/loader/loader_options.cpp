#include "data/loader/loader_options.h"

#include <string>

#include "core/error.h"

namespace autodet {

void validate_loader_options(const LoaderOptions& o) {
  auto bad = [](const std::string& what) { throw UsageError("loader: " + what); };
  if (o.image_size < 32 || o.image_size > 8192) bad("image_size must be in [32, 8192], got " + std::to_string(o.image_size));
  if (o.batch_size < 1) bad("batch_size must be >= 1, got " + std::to_string(o.batch_size));
  if (o.workers < 0) bad("workers must be >= 0, got " + std::to_string(o.workers));
  if (o.prefetch_batches < 1) bad("prefetch_batches must be >= 1, got " + std::to_string(o.prefetch_batches));
  if (o.max_image_pixels < 1) bad("max_image_pixels must be >= 1");
  if (o.cache_bytes < 0) bad("cache_bytes must be >= 0");
}

}  // namespace autodet
