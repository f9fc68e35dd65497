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

// Points $AUTODET_WEIGHTS at `folder` (a fresh empty one when "") for the object's lifetime.
class ScopedWeightsFolder {
 public:
  explicit ScopedWeightsFolder(const std::string& folder = "") : path_(folder.empty() ? dir_.path() : folder) {
    if (const char* v = std::getenv("AUTODET_WEIGHTS")) old_ = v, had_ = true;
    ::setenv("AUTODET_WEIGHTS", path_.c_str(), 1);
  }
  ~ScopedWeightsFolder() {
    if (had_) ::setenv("AUTODET_WEIGHTS", old_.c_str(), 1);
    else ::unsetenv("AUTODET_WEIGHTS");
  }
  ScopedWeightsFolder(const ScopedWeightsFolder&) = delete;
  ScopedWeightsFolder& operator=(const ScopedWeightsFolder&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  TempDir dir_;
  std::string path_, old_;
  bool had_ = false;
};

void write_text(const std::string& path, const std::string& text);
std::string read_text(const std::string& path);

}  // namespace autodet::testing

namespace autodet::testing {
// Writes a w x h image (a gradient, so JPEG and PNG encoders have something to do).
void make_image(const std::string& path, int w, int h);
}  // namespace autodet::testing
