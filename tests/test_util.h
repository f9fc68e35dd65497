#pragma once
// Helpers shared by tests: temporary folders, the shared datasets, running the binary.
#include <cstdlib>
#include <string>

#include <gtest/gtest.h>

namespace autodet::testing {

// A fresh temporary folder removed when the object goes away.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Folder of the shared real datasets ("" when absent).
std::string shared_datasets_dir();

// Skips the current test with a printed reason when the shared datasets are absent.
#define AUTODET_REQUIRE_SHARED_DATA(dir)                                                 \
  const std::string dir = ::autodet::testing::shared_datasets_dir();                    \
  if (dir.empty()) GTEST_SKIP() << "../shared/datasets is absent; skipping real-data test"

// Runs `build/autodet ARGS`, capturing stdout+stderr; returns the exit code.
int run_autodet(const std::string& args, std::string* output = nullptr);

void write_text(const std::string& path, const std::string& text);
std::string read_text(const std::string& path);

}  // namespace autodet::testing

namespace autodet::testing {
// Writes a w x h image (a gradient, so JPEG and PNG encoders have something to do).
void make_image(const std::string& path, int w, int h);
}  // namespace autodet::testing
