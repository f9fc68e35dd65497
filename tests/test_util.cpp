#include "test_util.h"
#include "test_process.h"

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "core/process_restart.h"

namespace {
// Test processes run as `autodet` does, with OpenBLAS on the kernels this CPU supports
// (core/process_restart.h). Before main(), so a restart keeps gtest's arguments.
const bool kOpenBlasKernels = (autodet::restart_for_openblas_kernels(), true);
}  // namespace

namespace autodet::testing {

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "autodet-test-XXXXXX").string();
  if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string shared_datasets_dir() {
  if (const char* env = std::getenv("AUTODET_SHARED_DATASETS")) return env;
  std::string d = std::string(AUTODET_SOURCE_DIR) + "/../shared/datasets";
  if (std::filesystem::exists(d + "/bccd") && std::filesystem::exists(d + "/raccoon"))
    return std::filesystem::path(d).lexically_normal().string();
  return "";
}

pid_t start_autodet(const std::vector<std::string>& args, const std::string& log) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    std::freopen(log.c_str(), "w", stderr);
    std::freopen(log.c_str(), "a", stdout);
    std::vector<char*> argv{const_cast<char*>(AUTODET_BINARY)};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(AUTODET_BINARY, argv.data());
    std::_Exit(127);
  }
  return pid;
}

int run_autodet(const std::string& args, std::string* output) {
  std::string cmd = std::string(AUTODET_BINARY) + " " + args + " 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return -1;
  std::array<char, 4096> buf;
  std::string out;
  std::size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  int status = ::pclose(p);
  if (output) *output = out;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void write_text(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

std::string read_text(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

}  // namespace autodet::testing

#include <opencv2/imgcodecs.hpp>

namespace autodet::testing {
void make_image(const std::string& path, int w, int h) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  cv::Mat m(h, w, CV_8UC3);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) m.at<cv::Vec3b>(y, x) = cv::Vec3b(uchar(x * 255 / w), uchar(y * 255 / h), 128);
  if (!cv::imwrite(path, m)) throw std::runtime_error("cannot write test image " + path);
}
}  // namespace autodet::testing
