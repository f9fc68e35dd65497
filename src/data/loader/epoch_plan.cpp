#include "data/loader/epoch_plan.h"

#include <algorithm>
#include <numeric>

#include "core/rng.h"

namespace autodet {
namespace {

constexpr int kStride = 32;  // YOLOv5's largest stride: sizes stay multiples of it
enum Stream : std::uint64_t { kOrderStream = 1, kScaleStream = 2, kSampleStream = 3 };

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// Independent seeds for each (stream, epoch, item) from the user's seed.
std::uint64_t derive(std::uint64_t seed, Stream stream, int epoch, std::uint64_t item) {
  std::uint64_t h = splitmix64(seed);
  h = splitmix64(h ^ stream);
  h = splitmix64(h ^ std::uint64_t(std::int64_t(epoch)));
  return splitmix64(h ^ item);
}

}  // namespace

int EpochPlan::batch_count(std::size_t b) const {
  return int(std::min<std::size_t>(batch_size, order.size() - b * std::size_t(batch_size)));
}

std::size_t batches_for(std::size_t images, const LoaderOptions& o) {
  const std::size_t bs = std::size_t(o.batch_size);
  return o.drop_last ? images / bs : (images + bs - 1) / bs;
}

int multi_scale_min(int s) { return std::max(kStride, (s / 2 + kStride - 1) / kStride * kStride); }
int multi_scale_max(int s) { return std::max(multi_scale_min(s), (s + s / 2) / kStride * kStride); }

EpochPlan make_epoch_plan(std::size_t images, const LoaderOptions& o, int epoch) {
  EpochPlan plan;
  plan.batch_size = o.batch_size;
  plan.order.resize(images);
  std::iota(plan.order.begin(), plan.order.end(), std::size_t(0));
  if (o.shuffle) {
    Rng rng(derive(o.seed, kOrderStream, epoch, 0));
    rng.shuffle(plan.order);
  }
  const std::size_t n_batches = batches_for(images, o);
  plan.order.resize(std::min(images, n_batches * std::size_t(o.batch_size)));
  plan.batch_dims.assign(n_batches, o.image_size);
  if (o.train && o.multi_scale) {
    const int lo = multi_scale_min(o.image_size), hi = multi_scale_max(o.image_size);
    for (std::size_t b = 0; b < n_batches; ++b) {
      Rng rng(derive(o.seed, kScaleStream, epoch, b));
      plan.batch_dims[b] = lo + kStride * int(rng.below(std::uint64_t((hi - lo) / kStride + 1)));
    }
  }
  return plan;
}

std::uint64_t sample_seed(std::uint64_t seed, int epoch, std::size_t index) {
  return derive(seed, kSampleStream, epoch, index);
}

}  // namespace autodet
