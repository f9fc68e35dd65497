#include "core/rng.h"

namespace autodet {

std::uint64_t Rng::below(std::uint64_t n) {
  std::uint64_t limit = ~std::uint64_t(0) - (~std::uint64_t(0) % n);
  std::uint64_t x;
  do x = gen_(); while (x >= limit);
  return x % n;
}

}  // namespace autodet
