#pragma once
// A seeded generator whose draws are the same on every platform and standard library
// (std::uniform_*_distribution are implementation-defined, so they are not used for data).
#include <cstdint>
#include <random>
#include <vector>

namespace autodet {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : gen_(seed) {}
  std::uint64_t next() { return gen_(); }
  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return double(gen_() >> 11) * (1.0 / 9007199254740992.0); }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  // Uniform integer in [0, n), unbiased (rejection sampling). n must be > 0.
  std::uint64_t below(std::uint64_t n);
  int range(int lo, int hi_inclusive) { return lo + int(below(std::uint64_t(hi_inclusive - lo) + 1)); }
  bool chance(double p) { return uniform() < p; }
  // Fisher-Yates shuffle of v.
  template <typename T>
  void shuffle(std::vector<T>& v) {
    for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[below(i)]);
  }

 private:
  std::mt19937_64 gen_;
};

}  // namespace autodet
