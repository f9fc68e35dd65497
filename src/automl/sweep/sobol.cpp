#include "automl/sweep/sobol.h"

#include <stdexcept>

#include "core/rng.h"

namespace autodet::sweep {
namespace {

// Joe & Kuo (2008), file new-joe-kuo-6.21201, dimensions 2..32: degree s of the primitive
// polynomial, its inner coefficients a (s-1 bits) and the initial numbers m_1..m_s.
struct Primitive {
  int s;
  std::uint32_t a;
  std::uint32_t m[7];
};
const Primitive kTable[] = {
    {1, 0, {1}},
    {2, 1, {1, 3}},
    {3, 1, {1, 3, 1}},
    {3, 2, {1, 1, 1}},
    {4, 1, {1, 1, 3, 3}},
    {4, 4, {1, 3, 5, 13}},
    {5, 2, {1, 1, 5, 5, 17}},
    {5, 4, {1, 1, 5, 5, 5}},
    {5, 7, {1, 1, 7, 11, 19}},
    {5, 11, {1, 1, 5, 1, 1}},
    {5, 13, {1, 1, 1, 3, 11}},
    {5, 14, {1, 3, 5, 5, 31}},
    {6, 1, {1, 3, 3, 9, 7, 49}},
    {6, 13, {1, 1, 1, 15, 21, 21}},
    {6, 16, {1, 3, 1, 13, 27, 49}},
    {6, 19, {1, 1, 1, 15, 7, 5}},
    {6, 22, {1, 3, 1, 15, 13, 25}},
    {6, 25, {1, 1, 5, 5, 19, 61}},
    {7, 1, {1, 3, 7, 11, 23, 15, 103}},
    {7, 4, {1, 3, 7, 13, 13, 15, 69}},
    {7, 7, {1, 1, 3, 13, 7, 35, 63}},
    {7, 8, {1, 3, 5, 9, 1, 25, 53}},
    {7, 14, {1, 3, 1, 13, 9, 35, 107}},
    {7, 19, {1, 3, 1, 5, 27, 61, 31}},
    {7, 21, {1, 1, 5, 11, 19, 41, 61}},
    {7, 28, {1, 3, 5, 3, 3, 13, 69}},
    {7, 31, {1, 1, 7, 13, 1, 19, 1}},
    {7, 32, {1, 3, 7, 5, 13, 19, 59}},
    {7, 37, {1, 1, 3, 9, 25, 29, 41}},
    {7, 41, {1, 3, 5, 13, 23, 1, 55}},
    {7, 42, {1, 3, 7, 3, 13, 59, 17}},
};
static_assert(sizeof(kTable) / sizeof(kTable[0]) == Sobol::kMaxDims - 1, "one row per dimension after the first");

// v_k = m_k / 2^k for k <= s, then v_k = v_{k-s} ^ (v_{k-s} >> s) ^ sum_j a_j v_{k-j} (the
// recurrence of the primitive polynomial over GF(2)).
std::array<std::uint32_t, 32> directions(const Primitive& p) {
  std::array<std::uint32_t, 32> v{};
  for (int k = 1; k <= 32; ++k) {
    if (k <= p.s) {
      v[k - 1] = p.m[k - 1] << (32 - k);
      continue;
    }
    std::uint32_t x = v[k - p.s - 1] ^ (v[k - p.s - 1] >> p.s);
    for (int j = 1; j < p.s; ++j)
      if ((p.a >> (p.s - 1 - j)) & 1u) x ^= v[k - j - 1];
    v[k - 1] = x;
  }
  return v;
}

}  // namespace

Sobol::Sobol(int dims, std::optional<std::uint64_t> shift_seed) : dims_(dims) {
  if (dims < 1 || dims > kMaxDims)
    throw std::invalid_argument("Sobol: dimensions must be from 1 to " + std::to_string(kMaxDims));
  std::array<std::uint32_t, 32> first{};  // dimension 1: van der Corput, v_k = 2^-k
  for (int k = 1; k <= 32; ++k) first[k - 1] = 1u << (32 - k);
  directions_.push_back(first);
  for (int d = 1; d < dims; ++d) directions_.push_back(directions(kTable[d - 1]));
  shift_.assign(std::size_t(dims), 0);
  if (shift_seed) {
    Rng rng(*shift_seed);
    for (auto& s : shift_) s = std::uint32_t(rng.next() >> 32);
  }
}

std::vector<double> Sobol::point(std::uint32_t index) const {
  const std::uint32_t gray = index ^ (index >> 1);  // Gray-code order, as in Antonov-Saleev
  std::vector<double> out(static_cast<std::size_t>(dims_));
  for (int d = 0; d < dims_; ++d) {
    std::uint32_t x = shift_[std::size_t(d)];
    for (int k = 0; k < 32; ++k)
      if ((gray >> k) & 1u) x ^= directions_[std::size_t(d)][std::size_t(k)];
    out[std::size_t(d)] = (double(x) + 0.5) / 4294967296.0;
  }
  return out;
}

}  // namespace autodet::sweep
