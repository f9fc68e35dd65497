#include <gtest/gtest.h>

#include "core/fs.h"
#include "core/rng.h"

using namespace autodet;

TEST(Rng, SameSeedSameSequenceAcrossInstances) {
  Rng a(42), b(42), c(43);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    auto x = a.next();
    EXPECT_EQ(x, b.next());
    differs |= x != c.next();
  }
  EXPECT_TRUE(differs);
}

TEST(Rng, KnownFirstValueOfMt19937_64) {
  // The C++ standard fixes mt19937_64's 10000th output for the default seed; check the first
  // value for seed 5489 against the reference implementation.
  Rng r(5489);
  EXPECT_EQ(r.next(), 14514284786278117030ULL);
}

TEST(Rng, BelowIsInRangeAndCoversIt) {
  Rng r(1);
  std::vector<int> seen(7, 0);
  for (int i = 0; i < 7000; ++i) {
    auto v = r.below(7);
    ASSERT_LT(v, 7u);
    seen[v]++;
  }
  for (int s : seen) EXPECT_GT(s, 800);
  for (int i = 0; i < 1000; ++i) {
    double u = r.uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
  }
}

TEST(Fs, StaysInside) {
  EXPECT_TRUE(stays_inside("a/b.jpg"));
  EXPECT_TRUE(stays_inside("a/../b.jpg"));
  EXPECT_FALSE(stays_inside("../b.jpg"));
  EXPECT_FALSE(stays_inside("a/../../b.jpg"));
  EXPECT_FALSE(stays_inside("/etc/passwd"));
}
