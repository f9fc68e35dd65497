#pragma once
// Settings some libraries read only once, when the process starts (OpenMP's wait policy is one):
// to change them, the program starts itself again with the variable set.
#include <string>

namespace autodet {

// When the environment variable `name` is unset, sets it to `value` and replaces this process
// by a fresh start of the same program with the same arguments (/proc/self/exe, /proc/self/cmdline).
// Returns when the variable was already set, or when the restart is impossible (then nothing changed
// but the variable).
void restart_with_env(const char* name, const char* value);

// OpenBLAS (libtorch's BLAS on Debian: fully connected layers, some convolutions) picks its
// kernels by CPU model when it loads. On a model newer than the library it falls back to its
// SSE3 kernels ("Prescott"): Debian 12's 0.3.21 does on Intel's Emerald Rapids (family 6, model
// 207), where the box head of a Faster R-CNN training step then ran several times slower. Returns
// the OPENBLAS_CORETYPE that this CPU's instructions support when OpenBLAS settled for less
// ("SKYLAKEX" with AVX-512, "HASWELL" with AVX2 and FMA), else "": also when OpenBLAS is not in
// the process or OPENBLAS_CORETYPE is set.
std::string openblas_coretype_upgrade();

// Whether OpenBLAS's core `name` ("Prescott", "SkylakeX", ...) is one whose kernels use no AVX2:
// what it falls back to on a CPU model it does not know.
bool openblas_core_is_older(const std::string& name);

// The kernels OpenBLAS runs in this process ("SkylakeX", "Haswell", ...; "" without OpenBLAS).
std::string openblas_core();

// restart_with_env("OPENBLAS_CORETYPE", openblas_coretype_upgrade()) when that is not "".
void restart_for_openblas_kernels();

}  // namespace autodet
