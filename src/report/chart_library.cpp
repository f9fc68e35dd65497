#include "report/chart_library.h"

#include <cstdlib>
#include <unistd.h>

#include "core/error.h"
#include "core/fs.h"

#ifndef AUTODET_REPORT_WEB_DIR
#define AUTODET_REPORT_WEB_DIR ""
#endif

namespace autodet::report {
namespace {

constexpr const char* kScript = "node_modules/echarts/dist/echarts.min.js";

std::string executable_dir() {
  char buf[4096];
  const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  if (n <= 0) return "";
  return parent_dir(std::string(buf, std::size_t(n)));
}

std::string read_if_present(const std::string& path) { return fs_exists(path) ? read_file(path) : ""; }

}  // namespace

std::vector<std::string> chart_library_dirs() {
  std::vector<std::string> dirs;
  if (const char* env = std::getenv("AUTODET_WEB_DIR"); env && *env) dirs.push_back(env);
  if (std::string exe = executable_dir(); !exe.empty()) dirs.push_back(join_path(exe, "../share/autodet/web"));
  if (*AUTODET_REPORT_WEB_DIR) dirs.push_back(AUTODET_REPORT_WEB_DIR);
  return dirs;
}

ChartLibrary load_chart_library() { return load_chart_library(chart_library_dirs()); }

ChartLibrary load_chart_library(const std::vector<std::string>& dirs) {
  std::string tried;
  for (const std::string& dir : dirs) {
    const std::string path = join_path(dir, kScript);
    if (!fs_exists(path)) {
      tried += "\n  " + path;
      continue;
    }
    ChartLibrary lib;
    lib.path = path;
    lib.script = read_file(path);
    const std::string pkg = join_path(dir, "node_modules/echarts");
    lib.licences = "Apache ECharts (" + pkg + ")\n\n" + read_if_present(join_path(pkg, "NOTICE")) + "\n\n" +
                   read_if_present(join_path(pkg, "LICENSE")) + "\n\nzrender (bundled in echarts.min.js)\n\n" +
                   read_if_present(join_path(dir, "node_modules/zrender/LICENSE"));
    return lib;
  }
  throw Error("the chart library reports embed is not installed: no echarts.min.js at" + tried +
              "\ninstall it with `make web-deps` (runs `npm ci` in src/report/web of the source tree), or set AUTODET_WEB_DIR to a "
              "folder holding " + kScript);
}

}  // namespace autodet::report
