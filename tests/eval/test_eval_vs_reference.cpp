// The optimized evaluator against the straightforward reference (reference_eval.h): random
// sets built to hit the hard cases (crowds, ties, integer boxes at exact IoU thresholds, area
// borders, more than 100 detections), and predictions derived from the real BCCD dataset,
// written to and read back from both prediction file formats.
#include <cmath>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/diagnostics.h"
#include "core/rng.h"
#include "data/load.h"
#include "eval/coco_ids.h"
#include "eval/coco_metric.h"
#include "eval/predictions_reader.h"
#include "eval/voc_metric.h"
#include "reference_eval.h"
#include "test_util.h"

namespace autodet::eval {
namespace {

constexpr double kTol = 1e-12;

void expect_same_coco(const EvalSet& set) {
  const CocoResult got = evaluate_coco(set, CocoParams::defaults(), 2);
  reference::RefCoco want = reference::coco_eval(set);
  for (std::size_t i = 0; i < 12; ++i) EXPECT_NEAR(got.stats[i], want.stats[i], kTol) << kCocoStatNames[i];
  std::size_t differing = 0;
  for (std::size_t t = 0; t < want.T; ++t)
    for (std::size_t k = 0; k < want.K; ++k)
      for (std::size_t a = 0; a < want.A; ++a)
        for (std::size_t m = 0; m < want.M; ++m) {
          differing += std::fabs(got.recall(t, k, a, m) - want.rc(t, k, a, m)) > kTol;
          for (std::size_t r = 0; r < want.R; ++r) differing += std::fabs(got.precision(t, r, k, a, m) - want.p(t, r, k, a, m)) > kTol;
        }
  EXPECT_EQ(differing, 0u);
}

void expect_same_voc(const EvalSet& set, double iou, bool eleven) {
  const VocResult got = evaluate_voc(set, {iou, eleven}, 2);
  const reference::RefVoc want = reference::voc_eval(set, iou, eleven);
  ASSERT_EQ(got.per_class.size(), want.per_class.size());
  for (std::size_t k = 0; k < want.per_class.size(); ++k) {
    EXPECT_NEAR(got.per_class[k].average_precision, want.per_class[k].ap, kTol) << set.classes[k];
    EXPECT_NEAR(got.per_class[k].precision, want.per_class[k].precision, kTol) << set.classes[k];
    EXPECT_NEAR(got.per_class[k].recall, want.per_class[k].recall, kTol) << set.classes[k];
  }
  EXPECT_NEAR(got.mean_average_precision, want.map, kTol);
  EXPECT_NEAR(got.precision, want.precision, kTol);
  EXPECT_NEAR(got.recall, want.recall, kTol);
}

// A random set: integer-valued boxes (so IoUs land exactly on thresholds and areas on the
// 32^2 / 96^2 borders), scores on a 0.05 grid (ties), crowds, a class without objects, and
// one image with 130 detections of one class.
EvalSet random_set(std::uint64_t seed) {
  Rng rng(seed);
  EvalSet s;
  s.classes = {"a", "b", "c", "d"};  // d never has objects
  const int n_images = 40;
  for (int i = 0; i < n_images; ++i) {
    EvalImage im;
    im.id = rng.range(1, 1000);  // ids out of list order, some repeated
    im.url = fmt::format("{}.jpg", i);
    im.width = im.height = 640;
    const int n_gt = rng.range(0, 8);
    for (int g = 0; g < n_gt; ++g) {
      static const int sizes[] = {8, 20, 32, 33, 50, 96, 97, 150, 300};
      const double w = sizes[rng.below(9)], h = rng.chance(0.5) ? w : sizes[rng.below(9)];
      GtBox b{XYWH{double(rng.range(0, 300)), double(rng.range(0, 300)), w, h}, int(rng.below(3)), rng.chance(0.1)};
      im.gts.push_back(b);
      // Detections near it: jittered by whole pixels, sometimes duplicated or relabelled.
      const int copies = rng.chance(0.15) ? 0 : rng.range(1, 3);
      for (int c = 0; c < copies; ++c) {
        Detection d;
        d.box = XYWH{b.box.x + rng.range(-6, 6), b.box.y + rng.range(-6, 6), std::max(1.0, b.box.w + rng.range(-8, 8)),
                     std::max(1.0, b.box.h + rng.range(-8, 8))};
        d.cls = rng.chance(0.1) ? int(rng.below(4)) : b.cls;
        d.score = double(rng.range(0, 20)) * 0.05;
        im.dets.push_back(d);
      }
    }
    const int spurious = rng.range(0, 4);
    for (int k = 0; k < spurious; ++k)
      im.dets.push_back(Detection{XYWH{double(rng.range(0, 600)), double(rng.range(0, 600)), double(rng.range(1, 120)),
                                       double(rng.range(1, 120))},
                                  int(rng.below(4)), double(rng.range(0, 20)) * 0.05});
    if (i == 7)
      for (int k = 0; k < 130; ++k)
        im.dets.push_back(Detection{XYWH{double(rng.range(0, 400)), double(rng.range(0, 400)), 40, 40}, 0, double(rng.range(0, 20)) * 0.05});
    rng.shuffle(im.dets);
    s.images.push_back(std::move(im));
  }
  return s;
}

TEST(EvalReference, RandomSetsMatchTheReference) {
  for (std::uint64_t seed = 1; seed <= 25; ++seed) {
    SCOPED_TRACE(fmt::format("seed {}", seed));
    const EvalSet s = random_set(seed);
    expect_same_coco(s);
    expect_same_voc(s, 0.5, false);
    expect_same_voc(s, 0.75, false);
    expect_same_voc(s, 0.5, true);
  }
}

// Predictions derived from BCCD ground truth with a fixed seed: 12% of objects missed, the
// rest jittered by up to 15% of their size, 8% duplicated, 4% given another class, up to 3
// spurious boxes per image; scores on a 0.01 grid, so many ties.
std::string bccd_predictions_jsonl(const EvalSet& truth, std::uint64_t seed) {
  Rng rng(seed);
  std::string out;
  for (const EvalImage& im : truth.images) {
    nlohmann::json boxes = nlohmann::json::array();
    const double W = im.width, H = im.height;
    auto add = [&](double x0, double y0, double x1, double y1, int cls, double score) {
      boxes.push_back({{"box", {{"topX", x0 / W}, {"topY", y0 / H}, {"bottomX", x1 / W}, {"bottomY", y1 / H}}},
                       {"label", truth.classes[std::size_t(cls)]},
                       {"score", score}});
    };
    for (const GtBox& g : im.gts) {
      if (rng.chance(0.12)) continue;
      const int copies = rng.chance(0.08) ? 2 : 1;
      for (int c = 0; c < copies; ++c) {
        const double jx = 0.15 * g.box.w, jy = 0.15 * g.box.h;
        double x0 = g.box.x + rng.uniform(-jx, jx), y0 = g.box.y + rng.uniform(-jy, jy);
        double x1 = g.box.x + g.box.w + rng.uniform(-jx, jx), y1 = g.box.y + g.box.h + rng.uniform(-jy, jy);
        x0 = std::max(0.0, x0), y0 = std::max(0.0, y0), x1 = std::min(W, std::max(x0, x1)), y1 = std::min(H, std::max(y0, y1));
        const int cls = rng.chance(0.04) ? int(rng.below(truth.classes.size())) : g.cls;
        add(x0, y0, x1, y1, cls, double(rng.range(1, 100)) / 100);
      }
    }
    const int spurious = rng.range(0, 3);
    for (int k = 0; k < spurious; ++k) {
      const double x0 = rng.uniform(0, W - 60), y0 = rng.uniform(0, H - 60);
      add(x0, y0, x0 + rng.uniform(10, 60), y0 + rng.uniform(10, 60), int(rng.below(truth.classes.size())), double(rng.range(1, 60)) / 100);
    }
    out += nlohmann::json{{"filename", im.url}, {"boxes", boxes}}.dump() + "\n";
  }
  return out;
}

std::string to_coco_results(const EvalSet& set) {
  nlohmann::json out = nlohmann::json::array();
  for (std::size_t i = 0; i < set.images.size(); ++i)
    for (const Detection& d : set.images[i].dets)
      out.push_back({{"image_id", i + 1}, {"category_id", d.cls + 1}, {"bbox", {d.box.x, d.box.y, d.box.w, d.box.h}}, {"score", d.score}});
  return out.dump();
}

TEST(EvalReference, BccdPredictionsMatchTheReference) {
  AUTODET_REQUIRE_SHARED_DATA(dir);
  Diagnostics diag;
  const SplitDataset sd = load_dataset(dir + "/bccd/BCCD", DataFormat::Voc, ReadOptions{}, diag);
  const Dataset data = sd.merged();
  ASSERT_GE(data.images.size(), 360u);
  EvalSet set = eval_set_from_dataset(data);
  ASSERT_EQ(set.classes, (std::vector<std::string>{"Platelets", "RBC", "WBC"}));

  // Batch-prediction JSONL, written and read back.
  autodet::testing::TempDir tmp;
  autodet::testing::write_text(tmp / "pred.jsonl", bccd_predictions_jsonl(set, 20240611));
  const PredictionsSummary sum = read_predictions(tmp / "pred.jsonl", PredictionsFormat::Auto, default_coco_ids(set), set);
  EXPECT_EQ(sum.format, PredictionsFormat::BatchJsonl);
  EXPECT_EQ(sum.images_without_predictions, 0u);
  EXPECT_GT(sum.detections, 4000u);
  expect_same_coco(set);
  expect_same_voc(set, 0.5, false);
  expect_same_voc(set, 0.5, true);

  // Plausibility of the derived predictions: most objects found at IoU .5, far fewer at .75+.
  const CocoResult coco = evaluate_coco(set);
  EXPECT_GT(coco.stats[1], 0.5);
  EXPECT_LT(coco.stats[0], coco.stats[1]);

  // The same detections as COCO results give the same numbers.
  EvalSet again = eval_set_from_dataset(data);
  autodet::testing::write_text(tmp / "results.json", to_coco_results(set));
  read_predictions(tmp / "results.json", PredictionsFormat::Auto, default_coco_ids(again), again);
  const CocoResult coco2 = evaluate_coco(again);
  for (std::size_t i = 0; i < 12; ++i) EXPECT_NEAR(coco2.stats[i], coco.stats[i], kTol);
  EXPECT_NEAR(evaluate_voc(again).mean_average_precision, evaluate_voc(set).mean_average_precision, kTol);
}

}  // namespace
}  // namespace autodet::eval
