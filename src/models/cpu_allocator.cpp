#include "models/cpu_allocator.h"

#include <sys/mman.h>

#include <cstdlib>
#include <fstream>
#include <new>
#include <string>

#include <c10/core/Allocator.h>
#include <c10/core/CPUAllocator.h>

namespace autodet::models {
namespace {

constexpr std::size_t kHugePage = std::size_t(2) << 20;
constexpr std::size_t kAlignment = 64;  // libtorch's own (c10::gAlignment)

void release(void* p) { std::free(p); }

class HugePageAllocator final : public c10::Allocator {
 public:
  c10::DataPtr allocate(std::size_t n) const override {
    void* p = nullptr;
    if (n >= kHugePage) {
      // Whole 2 MiB pages from a 2 MiB boundary, so that all of the block can be backed by them.
      const std::size_t size = (n + kHugePage - 1) / kHugePage * kHugePage;
      if (posix_memalign(&p, kHugePage, size) != 0) throw std::bad_alloc();
      madvise(p, size, MADV_HUGEPAGE);  // advice only: a refusal leaves ordinary pages
    } else if (posix_memalign(&p, kAlignment, n == 0 ? 1 : n) != 0) {
      throw std::bad_alloc();
    }
    return {p, p, &release, c10::Device(c10::DeviceType::CPU)};
  }
  c10::DeleterFnPtr raw_deleter() const override { return &release; }
};

HugePageAllocator g_allocator;
bool g_installed = false;

}  // namespace

bool kernel_allows_huge_pages() {
  std::ifstream f("/sys/kernel/mm/transparent_hugepage/enabled");
  std::string line;
  if (!std::getline(f, line)) return false;
  return line.find("[madvise]") != std::string::npos || line.find("[always]") != std::string::npos;
}

bool use_huge_page_allocator() {
  if (g_installed) return true;
  if (const char* v = std::getenv("AUTODET_HUGE_PAGES"); v && std::string(v) == "0") return false;
  if (!kernel_allows_huge_pages()) return false;
  // Tensors allocated before keep their deleter, which frees with std::free as this one does.
  c10::SetAllocator(c10::DeviceType::CPU, &g_allocator, /*priority=*/1);
  g_installed = c10::GetAllocator(c10::DeviceType::CPU) == &g_allocator;
  return g_installed;
}

bool huge_page_allocator_in_use() { return g_installed; }

}  // namespace autodet::models
