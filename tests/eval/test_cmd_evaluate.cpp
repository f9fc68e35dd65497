// `autodet evaluate` end to end on BCCD.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/diagnostics.h"
#include "data/load.h"
#include "eval/evaluate.h"
#include "eval/predictions_reader.h"
#include "test_util.h"

namespace autodet::eval {
namespace {

using autodet::testing::run_autodet;

// The JSON document in the command's output (stderr, merged in, may hold warnings first).
nlohmann::json json_in(const std::string& out) {
  const auto start = out[0] == '{' ? 0 : out.find("\n{");
  return nlohmann::json::parse(out.substr(start == std::string::npos ? 0 : start));
}

// Every object of the first 40 BCCD images predicted exactly (score 0.9), plus one spurious
// box per image; the other images have no prediction line.
std::string perfect_ish_predictions(const EvalSet& set) {
  std::string out;
  for (std::size_t i = 0; i < 40 && i < set.images.size(); ++i) {
    const EvalImage& im = set.images[i];
    nlohmann::json boxes = nlohmann::json::array();
    for (const GtBox& g : im.gts)
      boxes.push_back({{"box", {{"topX", g.box.x / im.width}, {"topY", g.box.y / im.height},
                                {"bottomX", (g.box.x + g.box.w) / im.width}, {"bottomY", (g.box.y + g.box.h) / im.height}}},
                       {"label", set.classes[std::size_t(g.cls)]}, {"score", 0.9}});
    boxes.push_back({{"box", {{"topX", 0.0}, {"topY", 0.0}, {"bottomX", 0.01}, {"bottomY", 0.01}}}, {"label", "WBC"}, {"score", 0.2}});
    out += nlohmann::json{{"filename", im.url}, {"boxes", boxes}}.dump() + "\n";
  }
  return out;
}

TEST(EvalCli, JsonHasEveryNumberAndMatchesTheLibrary) {
  AUTODET_REQUIRE_SHARED_DATA(dir);
  const std::string data = dir + "/bccd/BCCD";
  Diagnostics diag;
  EvalSet set = eval_set_from_dataset(load_dataset(data, DataFormat::Voc, ReadOptions{}, diag).merged());
  autodet::testing::TempDir tmp;
  autodet::testing::write_text(tmp / "pred.jsonl", perfect_ish_predictions(set));

  std::string out;
  ASSERT_EQ(run_autodet("-q evaluate --data " + data + " --predictions " + tmp / "pred.jsonl" + " --json", &out), 0) << out;
  const nlohmann::json j = json_in(out);
  for (const char* k : {"AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl"})
    EXPECT_TRUE(j["coco"].contains(k)) << k;
  EXPECT_TRUE(j["voc"].contains("per_label"));
  EXPECT_EQ(j["per_label_metrics"].size(), 3u);
  EXPECT_EQ(j["confusion_matrix"]["data"]["class_labels"].size(), 4u);

  read_batch_predictions(autodet::testing::read_text(tmp / "pred.jsonl"), "pred.jsonl", set);
  const EvalReport rep = evaluate(set, EvalOptions{});
  EXPECT_DOUBLE_EQ(j["mean_average_precision"].get<double>(), *rep.mean_average_precision);
  EXPECT_DOUBLE_EQ(j["coco"]["AP"].get<double>(), rep.coco->stats[0]);
  EXPECT_EQ(j["mean_average_precision"], j["voc"]["mean_average_precision"]);

  // --metric coco: the primary metric is AP@0.5 and no VOC section is written.
  ASSERT_EQ(run_autodet("-q evaluate --data " + data + " --predictions " + tmp / "pred.jsonl" + " --metric coco --json", &out), 0) << out;
  const nlohmann::json c = json_in(out);
  EXPECT_EQ(c["mean_average_precision"], c["coco"]["AP50"]);
  EXPECT_FALSE(c.contains("voc"));

  // The readable table.
  ASSERT_EQ(run_autodet("evaluate --data " + data + " --predictions " + tmp / "pred.jsonl", &out), 0) << out;
  EXPECT_NE(out.find("mean_average_precision"), std::string::npos);
  EXPECT_NE(out.find("Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ]"), std::string::npos);
  EXPECT_NE(out.find("Missed"), std::string::npos);
}

TEST(EvalCli, BadPredictionsGiveOneClearLine) {
  AUTODET_REQUIRE_SHARED_DATA(dir);
  autodet::testing::TempDir tmp;
  autodet::testing::write_text(tmp / "pred.jsonl",
                               "{\"filename\": \"BloodImage_00000.jpg\", \"boxes\": [{\"box\": {\"topX\": 0, \"topY\": 0, "
                               "\"bottomX\": 1, \"bottomY\": 1}, \"label\": \"Neutrophil\", \"score\": 0.5}]}\n");
  std::string out;
  EXPECT_EQ(run_autodet("evaluate --data " + dir + "/bccd/BCCD --predictions " + tmp / "pred.jsonl", &out), 1);
  EXPECT_NE(out.find("pred.jsonl:1: boxes[0]: label: label 'Neutrophil' is not a class of the dataset"), std::string::npos) << out;
  EXPECT_NE(run_autodet("evaluate --data " + dir + "/bccd/BCCD --predictions " + tmp / "pred.jsonl --metric map", &out), 0);
}

}  // namespace
}  // namespace autodet::eval
