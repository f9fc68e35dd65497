// The search space (§2.4): sub-spaces, checks against the parameter table, and trial values laid
// over training_parameters (R2.9).
#include <gtest/gtest.h>

#include "automl/yaml_json.h"
#include "automl/sweep/trial_config.h"
#include "sweep_test_util.h"

namespace autodet::sweep {
namespace {

using testing::error_of;
using testing::has;
using testing::space_of;

// The sample of §2.6: two sub-spaces, one per model.
const char* kSample =
    "search_space:\n"
    "  - model_name:\n"
    "      type: choice\n"
    "      values: [yolov5]\n"
    "    learning_rate:\n"
    "      type: uniform\n"
    "      min_value: 0.0001\n"
    "      max_value: 0.01\n"
    "    model_size:\n"
    "      type: choice\n"
    "      values: ['small', 'medium']\n"
    "  - model_name:\n"
    "      type: choice\n"
    "      values: [fasterrcnn_resnet50_fpn]\n"
    "    learning_rate:\n"
    "      type: uniform\n"
    "      min_value: 0.0001\n"
    "      max_value: 0.001\n"
    "    optimizer:\n"
    "      type: choice\n"
    "      values: ['sgd', 'adam', 'adamw']\n"
    "    min_size:\n"
    "      type: choice\n"
    "      values: [600, 800]\n";

std::string space_error(const std::string& body) {
  return error_of([&] { space_of("search_space:\n" + body); });
}

TEST(SweepSearchSpace, ReadsTheSampleSubSpaces) {
  const SearchSpace s = space_of(kSample);
  ASSERT_EQ(s.subspaces.size(), 2u);
  const SubSpace& yolo = s.subspaces[0];
  ASSERT_EQ(yolo.params.size(), 3u);
  EXPECT_EQ(yolo.params[0].name, "learning_rate");  // sorted by name
  EXPECT_EQ(yolo.params[1].name, "model_name");
  EXPECT_FALSE(yolo.params[1].varies());  // a one-value choice is fixed in effect
  EXPECT_TRUE(yolo.params[2].varies());
  EXPECT_EQ(yolo.find("learning_rate")->dist->high, 0.01);
  EXPECT_EQ(yolo.find("learning_rate")->where.line, 6);  // its mapping starts on the next line
  EXPECT_EQ(s.subspaces[1].find("optimizer")->dist->values.size(), 3u);
  EXPECT_EQ(s.subspaces[1].find("min_size")->dist->values[1], 800);
  EXPECT_EQ(s.subspaces[1].find("model_size"), nullptr);
}

TEST(SweepSearchSpace, ReadsTheJsonAJobSpecKeeps) {
  const nlohmann::json kept = yaml_to_json(YAML::Load(kSample)["search_space"]);  // as JobSpec::search_space
  const SearchSpace s = parse_search_space(kept, "job.yml");
  ASSERT_EQ(s.subspaces.size(), 2u);
  EXPECT_EQ(s.subspaces[1].find("learning_rate")->dist->high, 0.001);
  // Without lines, messages still name the file and key.
  nlohmann::json bad = kept;
  bad[1]["optimizer"]["values"][1] = "rmsprop";
  const std::string e = error_of([&] { parse_search_space(bad, "job.yml"); });
  EXPECT_TRUE(has(e, "job.yml: search_space[1].optimizer.values[1]: 'rmsprop' is not allowed for optimizer")) << e;
}

TEST(SweepSearchSpace, UnknownParameterIsNamedWithASuggestion) {
  const std::string e = space_error("  - model_name: yolov5\n    lr: uniform(0.001, 0.01)\n");
  EXPECT_TRUE(has(e, "job.yml:3: search_space[0].lr: unknown training parameter 'lr' (did you mean "
                     "`learning_rate`?)")) << e;
}

TEST(SweepSearchSpace, ValuesAreCheckedAgainstTheParameter) {
  std::string e = space_error("  - optimizer: {type: choice, values: [sgd, rmsprop]}\n");
  EXPECT_TRUE(has(e, "job.yml:2: search_space[0].optimizer.values[1]: 'rmsprop' is not allowed for optimizer")) << e;
  EXPECT_TRUE(has(e, "one of: sgd, adam, adamw")) << e;
  e = space_error("  - number_of_epochs: 0\n");
  EXPECT_TRUE(has(e, "'0' is not allowed for number_of_epochs; expected an integer >= 1")) << e;
  e = space_error("  - learning_rate: uniform(0.5, 2)\n");
  EXPECT_TRUE(has(e, "'uniform(0.5, 2)' is not allowed for learning_rate: it gives values from 0.5 to 2, but "
                     "learning_rate takes a number in [0, 1]")) << e;
  e = space_error("  - number_of_epochs: quniform(1, 10, 4)\n");  // round(1/4)*4 = 0
  EXPECT_TRUE(has(e, "gives values from 0 to 12")) << e;
  e = space_error("  - optimizer: uniform(0, 1)\n");
  EXPECT_TRUE(has(e, "it takes one of: sgd, adam, adamw, so only choice(...) or a fixed value can set it")) << e;
  e = space_error("  - nesterov: randint(2)\n");
  EXPECT_TRUE(has(e, "only choice(...) or a fixed value")) << e;
}

TEST(SweepSearchSpace, LogUniformBoundsAreLogsAndTheMessageSaysSo) {
  const std::string e = space_error("  - learning_rate: loguniform(0.0001, 0.01)\n");
  EXPECT_TRUE(has(e, "it gives values from 1.0001 to 1.01005")) << e;
  EXPECT_TRUE(has(e, "its bounds are natural logs")) << e;
  EXPECT_TRUE(has(e, "write loguniform(-9.21034, -4.60517)")) << e;
  EXPECT_NO_THROW(space_of("search_space:\n  - learning_rate: loguniform(-9.21, -4.61)\n"));
}

TEST(SweepSearchSpace, ShapeErrors) {
  std::string e = error_of([] { space_of("search_space:\n  model_name: yolov5\n"); });
  EXPECT_TRUE(has(e, "search_space must be a list of sub-spaces")) << e;
  e = error_of([] { space_of("search_space: []\n"); });
  EXPECT_TRUE(has(e, "non-empty list")) << e;
  e = space_error("  - yolov5\n");
  EXPECT_TRUE(has(e, "each sub-space must be a mapping")) << e;
  e = space_error("  - optimizer: sgd\n    optimizer: adam\n");
  EXPECT_TRUE(has(e, "job.yml:3: search_space[0].optimizer: key 'optimizer' is given twice")) << e;
}

TEST(SweepSearchSpace, FinishRoundsIntegersAndKeepsNumbersInRange) {
  const SearchSpace s = space_of("search_space:\n  - momentum: normal(0.9, 0.2)\n    number_of_epochs: "
                                 "qnormal(10, 5, 1)\n    tile_overlap_ratio: normal(0.5, 1)\n");
  const SubSpace& sub = s.subspaces[0];
  EXPECT_EQ(sub.find("momentum")->finish(1.3), 1.0);
  EXPECT_EQ(sub.find("momentum")->finish(-0.1), 0.0);
  EXPECT_EQ(sub.find("number_of_epochs")->finish(-3.0), 1);
  EXPECT_TRUE(sub.find("number_of_epochs")->finish(7.6).is_number_integer());
  EXPECT_EQ(sub.find("number_of_epochs")->finish(7.6), 8);
  EXPECT_LT(sub.find("tile_overlap_ratio")->finish(1.5).get<double>(), 1.0);  // [0, 1): open end
}

TEST(SweepSearchSpace, TrialValuesOverrideTrainingParameters) {
  TrialConfig t;
  t.subspace = 1;
  t.values = {{"model_name", "fasterrcnn_resnet50_fpn"}, {"optimizer", "adam"}};
  const nlohmann::json fixed = {{"early_stopping", true}, {"optimizer", "sgd"}};
  const nlohmann::json merged = merge_trial(fixed, t);
  EXPECT_EQ(merged["optimizer"], "adam");
  EXPECT_EQ(merged["early_stopping"], true);
  EXPECT_EQ(merged["model_name"], "fasterrcnn_resnet50_fpn");
  EXPECT_EQ(describe(t), "model_name=fasterrcnn_resnet50_fpn, optimizer=adam");

  TrainingParams p = default_params("yolov5");
  std::vector<std::string> warnings;
  set_param(p, "number_of_epochs", "7", Location{}, warnings);  // explicitly set: survives the model change
  apply_trial(p, t, warnings);
  EXPECT_EQ(p.model_name, "fasterrcnn_resnet50_fpn");
  EXPECT_EQ(p.optimizer, "adam");
  EXPECT_DOUBLE_EQ(p.learning_rate, 0.005);  // the R-CNN default follows the model
  EXPECT_EQ(p.number_of_epochs, 7);
}

}  // namespace
}  // namespace autodet::sweep
