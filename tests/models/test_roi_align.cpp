// RoIAlign against torchvision.ops.roi_align (Debian's python3-torchvision): forward and the
// gradient with respect to the input, for RoIs inside, across and outside the map, tiny and
// large ones, fixed and adaptive sampling, aligned or not; and a finite-difference check.
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "models/ops/roi_align.h"
#include "test_util.h"

using namespace autodet;
using namespace autodet::testing;
using nlohmann::json;

namespace {

json nested(const torch::Tensor& t) {
  if (t.dim() == 0) return t.item<double>();
  json a = json::array();
  for (std::int64_t i = 0; i < t.size(0); ++i) a.push_back(nested(t[i]));
  return a;
}

torch::Tensor from_nested(const json& j, torch::IntArrayRef shape) {
  std::vector<float> flat;
  std::function<void(const json&)> walk = [&](const json& v) {
    if (v.is_array())
      for (const auto& e : v) walk(e);
    else
      flat.push_back(v.get<float>());
  };
  walk(j);
  return torch::tensor(flat).view(shape);
}

struct Case {
  double scale;
  int ph, pw, sampling;
  bool aligned;
};

}  // namespace

TEST(RoiAlign, MatchesTorchvisionForwardAndBackward) {
  if (!std::filesystem::exists("/usr/bin/python3")) GTEST_SKIP() << "/usr/bin/python3 is absent";
  torch::manual_seed(5);
  auto input = torch::randn({2, 3, 13, 17});
  // x0, y0, x1, y1 in image pixels at scale 1/4 (a 68 x 52 image): inside, across the border,
  // entirely outside, tiny, the whole map, and reversed corners.
  auto rois = torch::tensor({{0.f, 4.f, 4.f, 40.f, 30.f},
                             {1.f, -10.f, -6.f, 20.f, 18.f},
                             {0.f, 50.f, 40.f, 90.f, 80.f},
                             {1.f, 33.f, 21.f, 33.5f, 21.25f},
                             {0.f, 0.f, 0.f, 68.f, 52.f},
                             {1.f, 30.f, 30.f, 10.f, 12.f},
                             {1.f, 66.f, 50.f, 200.f, 300.f}});
  const std::vector<Case> cases = {{0.25, 7, 7, 2, false}, {0.25, 2, 3, 0, false}, {0.25, 7, 7, 2, true},
                                   {0.25, 3, 2, 0, true},  {1.0 / 16, 7, 7, 2, false}};
  json req = json::array();
  std::vector<torch::Tensor> weights;
  for (const auto& c : cases) {
    weights.push_back(torch::randn({rois.size(0), 3, c.ph, c.pw}));
    req.push_back({{"input", nested(input)}, {"rois", nested(rois)}, {"scale", c.scale}, {"pooled", {c.ph, c.pw}},
                   {"sampling_ratio", c.sampling}, {"aligned", c.aligned}, {"weights", nested(weights.back())}});
  }
  TempDir dir;
  write_text(dir / "in.json", json{{"cases", req}}.dump());
  const std::string cmd = "/usr/bin/python3 " + std::string(AUTODET_SOURCE_DIR) + "/tests/models/roi_align_peer.py " +
                          (dir / "in.json") + " " + (dir / "out.json") + " 2>" + (dir / "err.txt");
  const int rc = std::system(cmd.c_str());
  if (rc != 0 && WIFEXITED(rc) && WEXITSTATUS(rc) == 3) GTEST_SKIP() << read_text(dir / "err.txt");
  ASSERT_EQ(rc, 0) << read_text(dir / "err.txt");
  const json out = json::parse(read_text(dir / "out.json"))["cases"];
  // Both layouts: channels-last maps (as the FPN gives them) take their own kernels.
  for (const auto format : {at::MemoryFormat::Contiguous, at::MemoryFormat::ChannelsLast})
    for (std::size_t i = 0; i < cases.size(); ++i) {
      const auto& c = cases[i];
      const bool nhwc = format == at::MemoryFormat::ChannelsLast;
      SCOPED_TRACE("case " + std::to_string(i) + (nhwc ? ", channels-last" : ""));
      auto x = input.clone(format).requires_grad_(true);
      auto y = models::roi_align(x, rois, c.scale, c.ph, c.pw, c.sampling, c.aligned);
      EXPECT_EQ(y.is_contiguous(at::MemoryFormat::ChannelsLast) && !y.is_contiguous(), nhwc);
      (y * weights[i]).sum().backward();
      EXPECT_EQ(x.grad().sizes(), x.sizes());
      auto want_y = from_nested(out[i]["output"], y.sizes());
      auto want_g = from_nested(out[i]["grad"], x.sizes());
      const double fy = (y.detach() - want_y).abs().max().item<double>();
      const double fg = (x.grad() - want_g).abs().max().item<double>();
      EXPECT_LT(fy, 1e-5);
      EXPECT_LT(fg, 1e-5);
      EXPECT_GT(want_y.abs().max().item<double>(), 0.1);  // not a trivially zero case
      std::printf("case %zu%s: max |forward - torchvision| %.2e, |grad - torchvision| %.2e\n", i,
                  nhwc ? " (channels-last)" : "", fy, fg);
    }
}

TEST(RoiAlign, GradientIsTheFiniteDifference) {
  torch::manual_seed(2);
  const auto x0 = torch::randn({1, 2, 6, 7}, torch::kDouble);
  auto rois = torch::tensor({{0.0, 0.7, 1.1, 5.3, 4.9}, {0.0, -1.0, 2.0, 3.0, 8.0}}, torch::kDouble);
  auto w = torch::randn({2, 2, 3, 3}, torch::kDouble);
  for (const auto format : {at::MemoryFormat::Contiguous, at::MemoryFormat::ChannelsLast}) {
    SCOPED_TRACE(format == at::MemoryFormat::ChannelsLast ? "channels-last" : "contiguous");
    auto x = x0.clone(format).requires_grad_(true);
    auto f = [&](const torch::Tensor& in) { return (models::roi_align(in, rois, 1.0, 3, 3, 2, false) * w).sum(); };
    f(x).backward();
    auto g = x.grad().contiguous();
    const double eps = 1e-6;
    torch::NoGradGuard ng;
    auto flat = x0.clone().view({-1});
    for (std::int64_t i = 0; i < flat.numel(); ++i) {
      auto plus = flat.clone(), minus = flat.clone();
      plus[i] += eps;
      minus[i] -= eps;
      const double num = (f(plus.view(x.sizes()).contiguous(format)).item<double>() -
                          f(minus.view(x.sizes()).contiguous(format)).item<double>()) / (2 * eps);
      EXPECT_NEAR(g.view({-1})[i].item<double>(), num, 1e-6) << "element " << i;
    }
  }
}

TEST(RoiAlign, NoRoisGiveAnEmptyOutputAndBadIndicesAreRefused) {
  auto x = torch::randn({1, 4, 5, 5}, torch::requires_grad());
  auto y = models::roi_align(x, torch::zeros({0, 5}), 1.0, 7, 7, 2, false);
  EXPECT_EQ(y.sizes(), (std::vector<std::int64_t>{0, 4, 7, 7}));
  y.sum().backward();
  EXPECT_EQ(x.grad().abs().sum().item<double>(), 0.0);
  EXPECT_THROW(models::roi_align(x, torch::tensor({{1.f, 0.f, 0.f, 2.f, 2.f}}), 1.0, 2, 2, 2, false), std::exception);
}
