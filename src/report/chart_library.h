#pragma once
// The chart library a report embeds (Apache ECharts, installed from npm by `make web-deps`):
// its script and licence texts, read when a report is written so that the page needs no network.
#include <string>
#include <vector>

namespace autodet::report {

// The library's script and the licence notices that must travel with it.
struct ChartLibrary {
  std::string path;      // the echarts.min.js that was read
  std::string script;
  std::string licences;  // ECharts' LICENSE and NOTICE, zrender's LICENSE (bundled in the script)
};

// Folders holding node_modules/echarts, in the order they are tried: $AUTODET_WEB_DIR, the
// install folder <binary>/../share/autodet/web, then the source tree's src/report/web.
std::vector<std::string> chart_library_dirs();

// Reads the first echarts.min.js found; Error naming every path tried and how to install it
// (`make web-deps`, i.e. `npm ci` in src/report/web) when there is none.
ChartLibrary load_chart_library();
// The same over the given folders.
ChartLibrary load_chart_library(const std::vector<std::string>& dirs);

}  // namespace autodet::report
