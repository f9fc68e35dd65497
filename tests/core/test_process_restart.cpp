// autodet restarts itself so that OpenBLAS runs the kernels this CPU supports, not the SSE3 ones it
// falls back to on a CPU model it does not know (core/process_restart.h).
#include <cstdlib>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "core/process_restart.h"
#include "test_util.h"

using namespace autodet;
using namespace autodet::testing;

TEST(ProcessRestart, AutodetRunsOpenBlasOnKernelsThisCpuSupports) {
  // The test process itself already restarted (test_util.cpp): run autodet without that setting.
  std::optional<std::string> given;
  if (const char* v = std::getenv("OPENBLAS_CORETYPE")) given = v;
  ::unsetenv("OPENBLAS_CORETYPE");
  std::string out;
  const int rc = run_autodet("info", &out);
  if (given) ::setenv("OPENBLAS_CORETYPE", given->c_str(), 1);
  ASSERT_EQ(rc, 0) << out;
  const auto at = out.find("OpenBLAS ");
  if (at == std::string::npos) GTEST_SKIP() << "this build's libtorch does not run on OpenBLAS";
  __builtin_cpu_init();
  if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma")) GTEST_SKIP() << "a CPU without AVX2 and FMA";
  const std::string kernels = out.substr(at + 9, out.find(' ', at + 9) - at - 9);
  EXPECT_FALSE(openblas_core_is_older(kernels)) << out;
  std::printf("OpenBLAS kernels in autodet: %s\n", kernels.c_str());
}

TEST(ProcessRestart, AUserSettingIsKept) {
  std::optional<std::string> given;
  if (const char* v = std::getenv("OPENBLAS_CORETYPE")) given = v;
  ::setenv("OPENBLAS_CORETYPE", "HASWELL", 1);
  EXPECT_EQ(openblas_coretype_upgrade(), "");
  EXPECT_TRUE(openblas_core_is_older("Prescott"));
  EXPECT_FALSE(openblas_core_is_older("SkylakeX"));
  if (given) ::setenv("OPENBLAS_CORETYPE", given->c_str(), 1);
  else ::unsetenv("OPENBLAS_CORETYPE");
}
