#include "core/process_restart.h"

#include <dlfcn.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <unistd.h>
#include <vector>

#include "core/log.h"

namespace autodet {

void restart_with_env(const char* name, const char* value) {
  if (std::getenv(name)) return;
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  const std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::string> args;
  for (std::size_t start = 0; start < cmdline.size();) {
    const std::size_t end = cmdline.find('\0', start);
    args.push_back(cmdline.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  if (::setenv(name, value, 1) != 0 || args.empty()) return;
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::fflush(nullptr);
  ::execv("/proc/self/exe", argv.data());
  log::debug("could not restart with {}={}; going on without it", name, value);  // execv returned: it failed
}

std::string openblas_core() {
  using CoreName = char* (*)();
  const auto corename = reinterpret_cast<CoreName>(::dlsym(RTLD_DEFAULT, "openblas_get_corename"));
  const char* name = corename ? corename() : nullptr;
  return name ? name : "";
}

bool openblas_core_is_older(const std::string& name) {
  static constexpr std::array<const char*, 8> kOlder{"prescott", "core2", "penryn", "dunnington",
                                                     "nehalem", "atom", "sandybridge", "katmai"};
  for (const char* o : kOlder)
    if (::strcasecmp(name.c_str(), o) == 0) return true;
  return false;
}

std::string openblas_coretype_upgrade() {
  if (std::getenv("OPENBLAS_CORETYPE")) return "";
  if (!openblas_core_is_older(openblas_core())) return "";
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
      __builtin_cpu_supports("avx512vl"))
    return "SKYLAKEX";
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "HASWELL";
  return "";
}

void restart_for_openblas_kernels() {
  const std::string core = openblas_coretype_upgrade();
  if (core.empty()) return;
  log::debug("OpenBLAS chose kernels older than this CPU's instructions; restarting with OPENBLAS_CORETYPE={}", core);
  restart_with_env("OPENBLAS_CORETYPE", core.c_str());
}

}  // namespace autodet
