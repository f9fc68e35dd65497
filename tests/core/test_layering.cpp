// The layers of src/ (docs/models.md, "Layers"): no file includes a header of a layer above its own.
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <string>

#include <gtest/gtest.h>

namespace {

namespace stdfs = std::filesystem;

// Which layers each layer may include (its own included).
const std::map<std::string, std::set<std::string>>& allowed() {
  static const std::map<std::string, std::set<std::string>> a = {
      {"core", {"core"}},
      {"data", {"core", "data"}},
      {"models", {"core", "models"}},
      {"eval", {"core", "data", "eval"}},
      {"store", {"core", "store"}},
      {"report", {"core", "data", "eval", "store", "report"}},
      {"hub", {"core", "data", "models", "store", "hub"}},
      {"package", {"core", "data", "models", "eval", "package"}},
      {"train", {"core", "data", "models", "eval", "store", "package", "train"}},
      {"export", {"core", "data", "models", "eval", "package", "export"}},
      {"deploy", {"core", "data", "models", "eval", "package", "export", "deploy"}},
      {"automl", {"core", "data", "models", "eval", "store", "hub", "package", "train", "export", "automl"}},
  };
  return a;
}

}  // namespace

TEST(Layering, NoLayerIncludesOneAboveIt) {
  const stdfs::path src = stdfs::path(AUTODET_SOURCE_DIR) / "src";
  const std::regex include_re(R"re(^\s*#\s*include\s+"([a-z_]+)/)re");
  std::size_t files = 0;
  for (const auto& entry : stdfs::recursive_directory_iterator(src)) {
    if (!entry.is_regular_file()) continue;
    const std::string ext = entry.path().extension().string();
    if (ext != ".h" && ext != ".cpp") continue;
    const std::string layer = stdfs::relative(entry.path(), src).begin()->string();
    if (layer == "cli") continue;  // the top: may use every layer
    auto it = allowed().find(layer);
    ASSERT_NE(it, allowed().end()) << "a folder src/" << layer << " is not in the layer table of this test";
    ++files;
    std::ifstream in(entry.path());
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
      ++number;
      std::smatch m;
      if (std::regex_search(line, m, include_re) && allowed().count(m[1]) && !it->second.count(m[1]))
        ADD_FAILURE() << entry.path().string() << ":" << number << ": " << layer << " includes " << m[1] << "/";
    }
  }
  EXPECT_GT(files, 100u);
}
