// `autodet evaluate` on a COCO ground truth whose image files are absent: the sizes in the JSON
// are enough, as for pycocotools; the numbers are pycocotools' (checked against the reference
// re-implementation always, and against pycocotools itself when /usr/bin/python3 has it).
#include <cstdlib>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/diagnostics.h"
#include "core/fs.h"
#include "data/load.h"
#include "eval/coco_ids.h"
#include "eval/coco_metric.h"
#include "eval/eval_set.h"
#include "eval/predictions_reader.h"
#include "reference_eval.h"
#include "test_util.h"

namespace autodet::eval {
namespace {

using autodet::testing::read_text;
using autodet::testing::run_autodet;
using autodet::testing::TempDir;
using autodet::testing::write_text;

// Eight images (none on disk), two classes, a crowd box, objects of every COCO area range;
// predictions near the objects with varied scores, some missing, some spurious.
struct Case {
  nlohmann::json gt, results;
};

Case make_case() {
  Case c;
  c.gt["categories"] = {{{"id", 3}, {"name", "cell"}}, {{"id", 7}, {"name", "virus"}}};
  c.gt["images"] = nlohmann::json::array();
  c.gt["annotations"] = nlohmann::json::array();
  c.results = nlohmann::json::array();
  long ann = 0;
  for (int i = 0; i < 8; ++i) {
    const int id = 100 + i;
    c.gt["images"].push_back({{"id", id}, {"file_name", "missing/img" + std::to_string(i) + ".jpg"},
                              {"width", 640}, {"height", 480}});
    for (int k = 0; k < 3 + i % 3; ++k) {
      const double side = 12.0 + 37.0 * ((i * 3 + k) % 5);  // small, medium and large objects
      const double x = 20 + 90 * k, y = 15 + 40 * (i % 4);
      const int cat = (i + k) % 2 ? 3 : 7;
      c.gt["annotations"].push_back({{"id", ++ann}, {"image_id", id}, {"category_id", cat},
                                     {"bbox", {x, y, side, side * 0.8}}, {"area", side * side * 0.8},
                                     {"iscrowd", (i == 2 && k == 1) ? 1 : 0}});
      if ((i + k) % 4 == 3) continue;  // a missed object
      const double shift = ((i + 2 * k) % 5) * 0.06 * side;
      c.results.push_back({{"image_id", id}, {"category_id", (i * k) % 7 == 5 ? 10 - cat : cat},
                           {"bbox", {x + shift, y - shift / 2, side * 1.05, side * 0.75}},
                           {"score", 0.3 + 0.07 * ((i * 5 + k * 3) % 10)}});
    }
    c.results.push_back({{"image_id", id}, {"category_id", 3}, {"bbox", {500, 400, 30, 30}}, {"score", 0.05 * (i + 1)}});
  }
  return c;
}

nlohmann::json json_in(const std::string& out) {
  const auto start = out[0] == '{' ? 0 : out.find("\n{");
  return nlohmann::json::parse(out.substr(start == std::string::npos ? 0 : start));
}

nlohmann::json evaluate_cli(const TempDir& t, std::string* text = nullptr) {
  std::string out;
  EXPECT_EQ(run_autodet("-q evaluate --data " + (t / "gt.json") + " --predictions " + (t / "res.json") +
                            " --metric coco --json", &out), 0) << out;
  if (text) *text = out;
  return json_in(out);
}

TEST(EvaluateWithoutImages, CocoSizesAreEnoughAndGiveTheReferenceNumbers) {
  TempDir t;
  const Case c = make_case();
  write_text(t / "gt.json", c.gt.dump());
  write_text(t / "res.json", c.results.dump());
  ASSERT_FALSE(fs_exists(t / "missing"));
  const nlohmann::json j = evaluate_cli(t);

  Diagnostics diag;
  ReadOptions o;
  o.image_check = ImageCheck::HeaderIfPresent;
  EvalSet set = eval_set_from_dataset(load_dataset(t / "gt.json", DataFormat::Coco, o, diag).merged());
  ASSERT_TRUE(diag.ok()) << diag.to_json().dump(1);
  ASSERT_EQ(set.images.size(), 8u);
  read_predictions(t / "res.json", PredictionsFormat::CocoResults, coco_ids_from_file(t / "gt.json", set), set);
  const reference::RefCoco ref = reference::coco_eval(set);
  for (std::size_t i = 0; i < 12; ++i) EXPECT_NEAR(j["coco"][kCocoStatNames[i]].get<double>(), ref.stats[i], 1e-12) << kCocoStatNames[i];
  EXPECT_GT(ref.stats[0], 0.05);  // a case with something to score
  EXPECT_LT(ref.stats[0], 0.95);
}

TEST(EvaluateWithoutImages, MissingSizeIsTheOneErrorAndNamesTheImage) {
  TempDir t;
  Case c = make_case();
  c.gt["images"][5].erase("width");
  write_text(t / "gt.json", c.gt.dump());
  write_text(t / "res.json", c.results.dump());
  std::string out;
  EXPECT_EQ(run_autodet("evaluate --data " + (t / "gt.json") + " --predictions " + (t / "res.json"), &out), 1);
  EXPECT_NE(out.find("images[5]"), std::string::npos) << out;
  EXPECT_NE(out.find("image 'missing/img5.jpg' has no size in the annotation"), std::string::npos) << out;
  EXPECT_NE(out.find("the dataset has 1 errors"), std::string::npos) << out;
}

TEST(EvaluateWithoutImages, MatchesPycocotools) {
  if (std::system("/usr/bin/python3 -c 'import pycocotools.cocoeval' >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "pycocotools is not importable by /usr/bin/python3 (Debian 12 does not package it); the reference "
                    "re-implementation stands in (CocoSizesAreEnoughAndGiveTheReferenceNumbers)";
  TempDir t;
  const Case c = make_case();
  write_text(t / "gt.json", c.gt.dump());
  write_text(t / "res.json", c.results.dump());
  write_text(t / "peer.py",
             "import json, sys, contextlib, io\n"
             "from pycocotools.coco import COCO\nfrom pycocotools.cocoeval import COCOeval\n"
             "with contextlib.redirect_stdout(io.StringIO()):\n"
             "    gt = COCO(sys.argv[1]); dt = gt.loadRes(sys.argv[2])\n"
             "    e = COCOeval(gt, dt, 'bbox'); e.evaluate(); e.accumulate(); e.summarize()\n"
             "print(json.dumps([float(s) for s in e.stats]))\n");
  ASSERT_EQ(std::system(("/usr/bin/python3 " + (t / "peer.py") + " " + (t / "gt.json") + " " + (t / "res.json") + " > " +
                         (t / "peer.json")).c_str()), 0);
  const nlohmann::json peer = nlohmann::json::parse(read_text(t / "peer.json"));
  const nlohmann::json j = evaluate_cli(t);
  for (std::size_t i = 0; i < 12; ++i) EXPECT_NEAR(j["coco"][kCocoStatNames[i]].get<double>(), peer[i].get<double>(), 1e-9) << kCocoStatNames[i];
}

}  // namespace
}  // namespace autodet::eval
