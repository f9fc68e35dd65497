#pragma once
// Runs tests/models/rcnn_peer.py (torchvision's Faster R-CNN, Debian's python3-torchvision) for
// a list of cases, writing NAME.state.pth and NAME.io.pth into dir. Returns 0 when it ran, 1 with
// `why` when the peer is unavailable (no /usr/bin/python3, or torchvision not importable: exit 3),
// 2 with `why` when the script failed.
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "test_util.h"

namespace autodet::testing {

inline int run_rcnn_peer(const nlohmann::json& cases, const std::string& dir, std::string& why) {
  const std::string python = "/usr/bin/python3";
  if (!std::filesystem::exists(python)) {
    why = python + " is absent";
    return 1;
  }
  write_text(dir + "/in.json", nlohmann::json{{"cases", cases}}.dump());
  const std::string cmd = python + " " + std::string(AUTODET_SOURCE_DIR) + "/tests/models/rcnn_peer.py " + dir +
                          "/in.json " + dir + " 2>" + dir + "/err.txt";
  const int rc = std::system(cmd.c_str());
  if (rc == 0) return 0;
  const bool unavailable = WIFEXITED(rc) && WEXITSTATUS(rc) == 3;
  why = (unavailable ? "" : "rcnn peer failed: ") + read_text(dir + "/err.txt");
  return unavailable ? 1 : 2;
}

}  // namespace autodet::testing
