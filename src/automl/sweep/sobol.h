#pragma once
// A Sobol low-discrepancy sequence in up to 32 dimensions (Joe and Kuo's direction numbers),
// optionally with a seeded random digital shift: it covers the unit cube more evenly than
// independent draws, while each shifted sequence is still uniformly distributed.
#include <array>
#include <cstdint>
#include <optional>
#include <vector>

namespace autodet::sweep {

// Points of the sequence by index; coordinates in (0, 1) at 32-bit resolution.
class Sobol {
 public:
  static constexpr int kMaxDims = 32;
  // dims in [1, kMaxDims] (else std::invalid_argument); no shift_seed: the plain sequence.
  explicit Sobol(int dims, std::optional<std::uint64_t> shift_seed = std::nullopt);
  int dims() const { return dims_; }
  // Point number `index` (0-based; the plain sequence starts at the origin, reported as 2^-33).
  std::vector<double> point(std::uint32_t index) const;

 private:
  int dims_;
  std::vector<std::array<std::uint32_t, 32>> directions_;  // v_1..v_32 per dimension, as 32-bit fractions
  std::vector<std::uint32_t> shift_;
};

}  // namespace autodet::sweep
