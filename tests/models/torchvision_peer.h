#pragma once
// Runs tests/models/torchvision_peer.py with the system Python (Debian's python3-torch and
// python3-torchvision), returning its JSON answer; empty with a reason when it cannot run.
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <torch/types.h>

#include "test_util.h"

namespace autodet::testing {

inline nlohmann::json tensor_to_json(const torch::Tensor& t) {
  auto c = t.to(torch::kCPU, torch::kDouble).contiguous();
  nlohmann::json rows = nlohmann::json::array();
  const auto* p = c.data_ptr<double>();
  if (c.dim() == 1) {
    for (std::int64_t i = 0; i < c.size(0); ++i) rows.push_back(p[i]);
    return rows;
  }
  for (std::int64_t i = 0; i < c.size(0); ++i) {
    nlohmann::json row = nlohmann::json::array();
    for (std::int64_t j = 0; j < c.size(1); ++j) row.push_back(p[i * c.size(1) + j]);
    rows.push_back(row);
  }
  return rows;
}

// Sends {"cases": request_cases} and returns 0 with `answer` = the list of per-case answers;
// 1 with `why` set when the peer is unavailable (no /usr/bin/python3, or torch/torchvision cannot
// be imported: the script exits 3); 2 with `why` set when the script itself failed.
inline int run_torchvision_peer(const nlohmann::json& request, nlohmann::json& answer, std::string& why) {
  const std::string python = "/usr/bin/python3";
  if (!std::filesystem::exists(python)) {
    why = python + " is absent";
    return 1;
  }
  TempDir dir;
  const std::string in = dir / "in.json", out = dir / "out.json";
  write_text(in, nlohmann::json{{"cases", request}}.dump());
  const std::string script = std::string(AUTODET_SOURCE_DIR) + "/tests/models/torchvision_peer.py";
  const std::string cmd = python + " " + script + " " + in + " " + out + " 2>" + (dir / "err.txt");
  const int rc = std::system(cmd.c_str());
  if (rc != 0) {
    const bool unavailable = WIFEXITED(rc) && WEXITSTATUS(rc) == 3;
    why = (unavailable ? "" : "torchvision peer failed: ") + read_text(dir / "err.txt");
    return unavailable ? 1 : 2;
  }
  answer = nlohmann::json::parse(read_text(out))["cases"];
  return 0;
}

}  // namespace autodet::testing

// Declares `answer` and fills it, skipping the test (with a printed reason) when the peer is
// unavailable and failing it when the peer script breaks.
#define AUTODET_TORCHVISION_PEER(request, answer)                                       \
  nlohmann::json answer;                                                                \
  {                                                                                     \
    std::string why_;                                                                   \
    const int rc_ = ::autodet::testing::run_torchvision_peer(request, answer, why_);    \
    if (rc_ == 1) {                                                                     \
      std::printf("skipping comparison with torchvision: %s\n", why_.c_str());          \
      GTEST_SKIP() << why_;                                                             \
    }                                                                                   \
    ASSERT_EQ(rc_, 0) << why_;                                                          \
  }
