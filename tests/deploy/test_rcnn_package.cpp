// A torchvision-written Faster R-CNN, RetinaNet or FCOS state_dict, packaged by `autodet weights
// package`, gives torchvision's detections on a real photo through the predictor and through the
// HTTP server, with the upstream model's own score and NMS thresholds.
#ifdef AUTODET_HAVE_HTTPLIB  // set by src/deploy/http.cmake
#include <cstdlib>
#include <filesystem>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/fs.h"
#include "deploy/http_server.h"
#include "deploy/httplib_config.h"
#include "deploy/predictor.h"
#include "models/weights/pth_file.h"
#include "package/checkpoint_package.h"
#include "../models/rcnn_peer.h"
#include "test_util.h"

using namespace autodet;
using namespace autodet::testing;
using nlohmann::json;

namespace {

const std::string kPhoto = std::string(AUTODET_SOURCE_DIR) + "/../shared/datasets/raccoon/images/raccoon-11.jpg";
const std::vector<std::string> kLabels{"raccoon", "dog", "cat"};

struct Reference {
  torch::Tensor boxes, scores, labels;  // torchvision's, in original pixels; labels >= 1
  int width = 0, height = 0;
};

// Writes torchvision's state_dict of `model` (rcnn_peer.py's name) to dir/tv.state.pth, scored
// with torchvision's defaults; 1 = peer unavailable, 2 = failed.
int torchvision_reference(const std::string& model, const std::string& dir, Reference& ref, std::string& why) {
  const bool fcos = model == "fcos";
  json c = {{"name", "tv"}, {"model", model}, {"depth", 50}, {"num_classes", 4}, {"seed", 21}, {"height", 0},
            {"width", 0}, {"batch", 1}, {"min_size", 320}, {"max_size", 1333}, {"score_thresh", fcos ? 0.2 : 0.05},
            {"nms_thresh", fcos ? 0.6 : 0.5}, {"detections", 100}, {"image_file", kPhoto}};
  if (const int rc = run_rcnn_peer(json::array({c}), dir, why); rc != 0) return rc;
  auto io = models::read_pth(dir + "/tv.io.pth");
  ref.boxes = *io.find("det_boxes_0");
  ref.scores = *io.find("det_scores_0");
  ref.labels = *io.find("det_labels_0");
  ref.height = int(io.find("images")->size(2));
  ref.width = int(io.find("images")->size(3));
  return 0;
}

// Relative difference against at least `floor` (10 px for box coordinates).
double rel(double a, double b, double floor) { return std::abs(a - b) / std::max(floor, std::abs(b)); }

// Compares (label, x0, y0, x1, y1 in pixels, score) rows with torchvision's one to one: each of
// its top 90 has its own among ours with the same label, box and score (ranks may swap where two
// scores tie within float rounding, and the 100th place may differ).
void expect_same(const std::vector<std::tuple<std::string, double, double, double, double, double>>& got,
                 const Reference& ref, const char* where) {
  SCOPED_TRACE(where);
  ASSERT_EQ(std::int64_t(got.size()), ref.boxes.size(0));
  ASSERT_GT(got.size(), 5u);
  const std::int64_t top = std::min<std::int64_t>(90, ref.boxes.size(0));
  std::vector<bool> used(got.size(), false);
  double worst_box = 0, worst_score = 0;
  for (std::int64_t k = 0; k < top; ++k) {
    const std::string want_label = kLabels[std::size_t(ref.labels[k].item<std::int64_t>() - 1)];
    double best_d = 1e300;
    std::size_t best = got.size();
    for (std::size_t m = 0; m < got.size(); ++m) {
      const auto& [label, x0, y0, x1, y1, score] = got[m];
      if (used[m] || label != want_label) continue;
      const double mine[4] = {x0, y0, x1, y1};
      double d = 0;
      for (int j = 0; j < 4; ++j) d = std::max(d, rel(mine[j], ref.boxes[k][j].item<double>(), 10.0));
      if (d < best_d) best_d = d, best = m;
    }
    ASSERT_LT(best, got.size()) << "torchvision's detection " << k << " has no counterpart";
    used[best] = true;
    worst_box = std::max(worst_box, best_d);
    worst_score = std::max(worst_score, rel(std::get<5>(got[best]), ref.scores[k].item<double>(), 1e-3));
  }
  EXPECT_LT(worst_box, 1e-4);
  EXPECT_LT(worst_score, 1e-4);
  std::printf("%s: top %lld of %zu detections matched, worst relative difference box %.2e, score %.2e\n", where,
              (long long)top, got.size(), worst_box, worst_score);
}

void package_predict_and_serve(const std::string& model, const std::string& arch) {
  if (!std::filesystem::exists(kPhoto)) GTEST_SKIP() << kPhoto << " is absent";
  TempDir dir;
  Reference ref;
  std::string why;
  const int rc = torchvision_reference(model, dir.path(), ref, why);
  if (rc == 1) GTEST_SKIP() << "skipping comparison with torchvision: " << why;
  ASSERT_EQ(rc, 0) << why;

  CheckpointPackageOptions o;
  o.file = dir / "tv.state.pth";
  o.arch = arch;
  o.out_dir = dir / "pkg";
  o.labels = kLabels;
  o.min_size = 320;
  std::printf("%s\n", write_checkpoint_package(o).c_str());
  // labels.json lists the network's labels: the background first (R6.7), then the classes.
  std::vector<std::string> with_bg{"--bg--"};
  with_bg.insert(with_bg.end(), kLabels.begin(), kLabels.end());
  EXPECT_EQ(json::parse(read_text(o.out_dir + "/labels.json")).get<std::vector<std::string>>(), with_bg);

  PredictorOptions po;
  po.package_dir = o.out_dir;
  po.overrides = {{"box_detections_per_img", 100}};
  auto predictor = std::make_unique<Predictor>(po, torch::kCPU);
  const cv::Mat photo = cv::imread(kPhoto, cv::IMREAD_COLOR);
  ASSERT_EQ(photo.cols, ref.width);
  const auto dets = predictor->predict({photo})[0];
  std::vector<std::tuple<std::string, double, double, double, double, double>> rows;
  for (const auto& d : dets)
    rows.emplace_back(kLabels[std::size_t(d.cls)], d.x0 * photo.cols, d.y0 * photo.rows, d.x1 * photo.cols,
                      d.y1 * photo.rows, d.score);
  expect_same(rows, ref, "predict");

  ServeOptions so;
  so.port = 0;
  ScoringServer server(*predictor, so);
  server.start();
  httplib::Client c("127.0.0.1", server.port());
  c.set_read_timeout(120, 0);
  auto res = c.Post("/score", read_text(kPhoto), "image/jpeg");
  ASSERT_TRUE(res) << "no answer";
  ASSERT_EQ(res->status, 200) << res->body;
  const json answer = json::parse(res->body);
  rows.clear();
  for (const auto& b : answer.at(0).at("boxes")) {
    const auto& box = b.at("box");
    rows.emplace_back(b.at("label").get<std::string>(), box.at("topX").get<double>() * photo.cols,
                      box.at("topY").get<double>() * photo.rows, box.at("bottomX").get<double>() * photo.cols,
                      box.at("bottomY").get<double>() * photo.rows, b.at("score").get<double>());
  }
  expect_same(rows, ref, "serve");
}

}  // namespace

TEST(RcnnPackage, TorchvisionCheckpointPredictsAndServesTorchvisionsDetections) {
  package_predict_and_serve("fasterrcnn", "fasterrcnn_resnet50_fpn");
}

TEST(RcnnPackage, TorchvisionRetinaNetPredictsAndServesTorchvisionsDetections) {
  package_predict_and_serve("retinanet", "retinanet_resnet50_fpn");
}

TEST(RcnnPackage, TorchvisionFcosPredictsAndServesTorchvisionsDetections) {
  package_predict_and_serve("fcos", "fcos_resnet50_fpn");
}
#endif
