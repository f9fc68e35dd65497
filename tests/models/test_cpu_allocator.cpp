// CPU tensors on transparent huge pages: large blocks start on a 2 MiB boundary and, once touched,
// the kernel backs them with huge pages (/proc/self/smaps says so); small ones stay ordinary;
// tensors made before and after the switch compute together and free cleanly.
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "models/cpu_allocator.h"

using namespace autodet;

namespace {

// AnonHugePages (kB) of the mapping that holds `address`, from /proc/self/smaps; -1 if none does.
long huge_kb_at(const void* address) {
  std::ifstream f("/proc/self/smaps");
  const auto a = reinterpret_cast<std::uintptr_t>(address);
  std::string line;
  bool inside = false;
  while (std::getline(f, line)) {
    std::uintptr_t lo = 0, hi = 0;
    char dash = 0;
    std::istringstream head(line);
    if (head >> std::hex >> lo >> dash >> hi && dash == '-') {
      inside = lo <= a && a < hi;
      continue;
    }
    if (inside && line.rfind("AnonHugePages:", 0) == 0) return std::stol(line.substr(14));
  }
  return -1;
}

}  // namespace

TEST(CpuAllocator, LargeTensorsLandOnHugePages) {
  if (!models::kernel_allows_huge_pages()) GTEST_SKIP() << "transparent huge pages are off in this kernel (never)";
  const auto before = torch::ones({1000});
  ASSERT_TRUE(models::use_huge_page_allocator());
  EXPECT_TRUE(models::huge_page_allocator_in_use());
  auto big = torch::empty({16 << 20}, torch::kFloat);  // 64 MiB
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(big.data_ptr()) % (std::uintptr_t(2) << 20), 0u);
  big.fill_(1.0f);
  const long kb = huge_kb_at(big.data_ptr());
  // The kernel may fall short of free huge pages on a busy machine, but not of all 32.
  EXPECT_GT(kb, 0) << "no huge page backs the 64 MiB tensor";
  std::printf("64 MiB tensor: %ld kB on huge pages\n", kb);
  auto small = torch::ones({100});
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(small.data_ptr()) % 64, 0u);
  EXPECT_DOUBLE_EQ((before.sum() + small.sum()).item<double>(), 1100.0);
  EXPECT_DOUBLE_EQ(big.sum().item<double>(), double(16 << 20));
  auto empty = torch::empty({0});
  EXPECT_EQ(empty.numel(), 0);
}
