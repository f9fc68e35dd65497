#pragma once
// Runs tests/models/rcnn_peer.py (torchvision's Faster R-CNN, RetinaNet and FCOS, Debian's python3-torchvision) for
// a list of cases, writing NAME.state.pth and NAME.io.pth into dir. Returns 0 when it ran, 1 with
// `why` when the peer is unavailable (no /usr/bin/python3, or torchvision not importable: exit 3),
// 2 with `why` when the script failed.
#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include "models/pretrained.h"
#include "models/weights/pth_file.h"
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

// A tensor the peer wrote, or an exception naming the one it lacks.
inline torch::Tensor peer_tensor(const models::NamedTensors& t, const std::string& name) {
  const torch::Tensor* p = t.find(name);
  if (!p) throw std::runtime_error("peer output lacks " + name);
  return *p;
}

// How closely one image's detections (ours: (n, 6) [box, score, class]) reproduce torchvision's
// (boxes, scores, labels = class + 1).
struct DetectionMatch {
  std::int64_t top = 0;      // torchvision's first `top` detections were matched
  std::int64_t missing = -1;  // the first of them without a counterpart, or -1
  double worst_box = 0, worst_score = 0;  // largest relative differences of matched pairs
};

// One to one: each of torchvision's top detections gets its own of ours with the same label and
// the nearest box. Ranks may differ where two scores tie within float rounding, and so may the
// last places (one side's 100th is the other's 101st), so the top `top` are matched among all
// of ours. Relative box differences are taken against at least 10 px, scores against 1e-3.
inline DetectionMatch match_detections(const torch::Tensor& mine, const torch::Tensor& boxes,
                                       const torch::Tensor& scores, const torch::Tensor& labels, std::int64_t top) {
  auto rel = [](double a, double b, double floor) { return std::abs(a - b) / std::max(floor, std::abs(b)); };
  DetectionMatch r;
  r.top = std::min<std::int64_t>(top, boxes.size(0));
  std::vector<bool> used(std::size_t(mine.size(0)), false);
  auto m_acc = mine.accessor<float, 2>();
  for (std::int64_t k = 0; k < r.top; ++k) {
    std::int64_t best = -1;
    double best_d = 1e300;
    for (std::int64_t m = 0; m < mine.size(0); ++m) {
      if (used[std::size_t(m)] || std::int64_t(m_acc[m][5]) != labels[k].item<std::int64_t>() - 1) continue;
      double d = 0;
      for (int j = 0; j < 4; ++j) d = std::max(d, rel(m_acc[m][j], boxes[k][j].item<float>(), 10.0));
      if (d < best_d) best_d = d, best = m;
    }
    if (best < 0) {
      r.missing = k;
      return r;
    }
    used[std::size_t(best)] = true;
    r.worst_box = std::max(r.worst_box, best_d);
    r.worst_score = std::max(r.worst_score, rel(m_acc[best][4], scores[k].item<float>(), 1e-3));
  }
  return r;
}

// The dense detectors' parity case (model "retinanet" or "fcos"): two 256x320 images, resized to
// 288x360 (padded to 288x384: P3..P7 of 36x48 .. 3x3 cells), three classes, torchvision's
// thresholds. Runs the peer into dir and loads its state_dict into `det`, built for that case;
// skips the test when the peer is unavailable (the caller checks IsSkipped()).
inline void load_dense_peer(const std::string& model, double score, double nms, models::Detector& det,
                            const std::string& dir, models::NamedTensors& io) {
  const nlohmann::json cases = nlohmann::json::array(
      {{{"name", model}, {"model", model}, {"depth", 50}, {"num_classes", 4}, {"seed", 5}, {"height", 256},
        {"width", 320}, {"batch", 2}, {"min_size", 288}, {"max_size", 400}, {"score_thresh", score},
        {"nms_thresh", nms}, {"detections", 100}}});
  std::string why;
  const int rc = run_rcnn_peer(cases, dir, why);
  if (rc == 1) GTEST_SKIP() << "skipping comparison with torchvision: " << why;
  ASSERT_EQ(rc, 0) << why;
  EXPECT_GT(models::load_whole_weights(det, dir + "/" + model + ".state.pth"), 100u);
  io = models::read_pth(dir + "/" + model + ".io.pth");
}

// The config of the detector load_dense_peer's case fits.
template <class Config>
Config dense_peer_config() {
  Config c;
  c.num_classes = 3;
  c.min_size = 288;
  c.max_size = 400;
  c.image_size = 320;
  return c;
}

// Each image's detections (ours, (n, 6)) against the peer's det_*_<i>: the same count, no
// background label, torchvision's top 90 matched one to one within 1e-4; prints the figures.
inline void expect_peer_detections(const std::vector<torch::Tensor>& mine, const models::NamedTensors& io,
                                   const char* model) {
  for (std::size_t i = 0; i < mine.size(); ++i) {
    const auto n = std::to_string(i);
    auto tb = peer_tensor(io, "det_boxes_" + n), ts = peer_tensor(io, "det_scores_" + n);
    auto tl = peer_tensor(io, "det_labels_" + n);
    ASSERT_GT(tb.size(0), 50) << "image " << i << ": the peer's heads are not decisive";
    EXPECT_EQ((tl == 0).sum().item<int>(), 0) << "the background column scored";
    ASSERT_EQ(mine[i].size(0), tb.size(0)) << "image " << i;
    const auto m = match_detections(mine[i].contiguous(), tb, ts, tl, 90);
    ASSERT_EQ(m.missing, -1) << "image " << i << ": torchvision's detection " << m.missing << " has no counterpart";
    EXPECT_LT(m.worst_box, 1e-4) << "image " << i;
    EXPECT_LT(m.worst_score, 1e-4) << "image " << i;
    std::printf("%s image %zu: top %lld of %lld detections matched, worst box difference %.2e, score %.2e\n", model, i,
                (long long)m.top, (long long)tb.size(0), m.worst_box, m.worst_score);
  }
}

// Our named losses against the peer's, within 1e-4 relative; prints them.
inline void expect_peer_losses(const std::vector<std::pair<const char*, torch::Tensor>>& losses,
                               const models::NamedTensors& io, const char* model) {
  for (const auto& [name, value] : losses) {
    const double want = peer_tensor(io, name).item<double>(), got = value.item<double>();
    EXPECT_LT(std::abs(got - want) / std::abs(want), 1e-4) << name << ": " << got << " vs torchvision " << want;
    std::printf("%s %s: %.7g (torchvision %.7g)\n", model, name, got, want);
  }
}

}  // namespace autodet::testing
