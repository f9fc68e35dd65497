#pragma once
// libtorch's CPU tensors on transparent huge pages.
//
// Training allocates and frees tens of megabytes per layer and step (activations, gradients).
// glibc serves such blocks with fresh mmap()s, so every step touches every page anew: on a 512 px
// Faster R-CNN step a third of the time and more went to page faults (bench/RESULTS.md). This
// allocator asks the kernel for 2 MiB pages for blocks of 2 MiB and more (madvise MADV_HUGEPAGE),
// 512 times fewer faults; smaller blocks are allocated as libtorch's own allocator does. It takes
// effect where the kernel's transparent_hugepage setting is "madvise" or "always"; with "never",
// or when AUTODET_HUGE_PAGES=0, libtorch's allocator stays.
namespace autodet::models {

// Whether the kernel's transparent_hugepage setting is "madvise" or "always".
bool kernel_allows_huge_pages();

// Installs the allocator for every CPU tensor allocated afterwards (call once, at start-up, before
// tensors exist). Returns whether it was installed.
bool use_huge_page_allocator();

// Whether use_huge_page_allocator() installed it.
bool huge_page_allocator_in_use();

}  // namespace autodet::models
