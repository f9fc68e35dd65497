// Search-space entries (R2.7, R2.8): every law in its mapping and its text form, and every way to get one wrong.
#include <gtest/gtest.h>

#include "automl/sweep/distribution_parse.h"
#include "sweep_test_util.h"

namespace autodet::sweep {
namespace {

using testing::error_of;
using testing::has;
using testing::space_of;

// The law of `param` in a one-parameter space written as `entry`.
Distribution law(const std::string& param, const std::string& entry) {
  const SearchSpace s = space_of("search_space:\n  - " + param + ": " + entry + "\n");
  return *s.subspaces.at(0).find(param)->dist;
}

std::string space_error(const std::string& body) {
  return error_of([&] { space_of("search_space:\n" + body); });
}

struct LawCase {
  std::string param, mapping, text;
  DistKind kind;
  std::vector<double> args;  // low/high or mu/sigma (randint: upper), then q
};

TEST(SweepDistributionParse, EveryLawInBothForms) {
  const std::vector<LawCase> cases = {
      {"warmup_cosine_lr_warmup_epochs", "{type: randint, upper: 5}", "randint(5)", DistKind::RandInt, {5}},
      {"learning_rate", "{type: uniform, min_value: 0.0001, max_value: 0.01}", "uniform(0.0001,0.01)",
       DistKind::Uniform, {0.0001, 0.01}},
      {"number_of_epochs", "{type: quniform, min_value: 5, max_value: 20, q: 5}", "quniform(5, 20, 5)",
       DistKind::QUniform, {5, 20, 5}},
      {"learning_rate", "{type: loguniform, min_value: -9.2, max_value: -2.3}", "loguniform(-9.2, -2.3)",
       DistKind::LogUniform, {-9.2, -2.3}},
      {"training_batch_size", "{type: qloguniform, min_value: 0, max_value: 4, q: 2}", "qloguniform(0, 4, 2)",
       DistKind::QLogUniform, {0, 4, 2}},
      {"momentum", "{type: normal, mu: 0.9, sigma: 0.05}", "normal(0.9, 0.05)", DistKind::Normal, {0.9, 0.05}},
      {"number_of_epochs", "{type: qnormal, mu: 20, sigma: 5, q: 2}", "qnormal(20, 5, 2)", DistKind::QNormal,
       {20, 5, 2}},
      {"learning_rate", "{type: lognormal, mu: -5, sigma: 1}", "lognormal(-5, 1)", DistKind::LogNormal, {-5, 1}},
      {"training_batch_size", "{type: qlognormal, mu: 2, sigma: 0.5, q: 2}", "qlognormal(2, 0.5, 2)",
       DistKind::QLogNormal, {2, 0.5, 2}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    for (const Distribution& d : {law(c.param, c.mapping), law(c.param, "\"" + c.text + "\"")}) {
      EXPECT_EQ(d.kind, c.kind);
      if (c.kind == DistKind::RandInt) {
        EXPECT_EQ(d.high, c.args[0]);
        EXPECT_EQ(d.count(), 5u);
        continue;
      }
      EXPECT_DOUBLE_EQ(d.normal_law() ? d.mu : d.low, c.args[0]);
      EXPECT_DOUBLE_EQ(d.normal_law() ? d.sigma : d.high, c.args[1]);
      EXPECT_DOUBLE_EQ(d.q, c.args.size() == 3 ? c.args[2] : 0.0);
    }
  }
}

TEST(SweepDistributionParse, ChoiceInBothFormsTypesValuesLikeTheSdk) {
  const Distribution m = law("optimizer", "{type: choice, values: [sgd, adam, 'adamw']}");
  ASSERT_EQ(m.values.size(), 3u);
  EXPECT_EQ(m.values[2], "adamw");
  // R2.8: int, then float, then True/False, else text with quotes stripped.
  const Distribution t = law("min_size", "\"choice(600, 800)\"");
  ASSERT_EQ(t.values.size(), 2u);
  EXPECT_TRUE(t.values[0].is_number_integer());
  EXPECT_EQ(t.values[1], 800);
  const Distribution f = law("learning_rate", "\"choice(0.1, 0.2)\"");
  EXPECT_TRUE(f.values[0].is_number_float());
  EXPECT_EQ(law("nesterov", "\"choice(True, False)\"").values[1], false);
  EXPECT_EQ(law("model_name", "\"choice('yolov5')\"").values[0], "yolov5");
  EXPECT_EQ(law("model_size", "\"Choice(['small', 'medium'])\"").values[1], "medium");  // any case, brackets
  EXPECT_EQ(law("model_name", "{type: Choice, values: [yolov5]}").kind, DistKind::Choice);  // PascalCase type
}

TEST(SweepDistributionParse, FixedValuesAreNotLaws) {
  const SearchSpace s = space_of("search_space:\n  - model_name: yolov5\n    learning_rate: 0.01\n");
  EXPECT_FALSE(s.subspaces[0].find("model_name")->dist);
  EXPECT_EQ(s.subspaces[0].find("learning_rate")->fixed, 0.01);
  EXPECT_TRUE(is_expression_text("uniform(1, 2)"));
  EXPECT_TRUE(is_expression_text(" choice('a') "));
  EXPECT_FALSE(is_expression_text("(3, 2)"));
  EXPECT_FALSE(is_expression_text("yolov5"));
}

TEST(SweepDistributionParse, UnknownLawNamesTheValueAndTheLaws) {
  std::string e = space_error("  - learning_rate: {type: gaussian, mu: 0, sigma: 1}\n");
  EXPECT_TRUE(has(e, "job.yml:2: search_space[0].learning_rate.type: 'gaussian' is not allowed")) << e;
  EXPECT_TRUE(has(e, "choice, randint, uniform, quniform, loguniform, qloguniform, normal, qnormal, lognormal, "
                     "qlognormal")) << e;
  e = space_error("  - learning_rate: unifrom(0.001, 0.01)\n");
  EXPECT_TRUE(has(e, "'unifrom' is not allowed")) << e;
  EXPECT_TRUE(has(e, "did you mean `uniform`")) << e;
  e = space_error("  - learning_rate: {min_value: 0.1, max_value: 0.2}\n");
  EXPECT_TRUE(has(e, "a distribution needs a type")) << e;
}

TEST(SweepDistributionParse, WrongArgumentCounts) {
  std::string e = space_error("  - learning_rate: uniform(0.001)\n");
  EXPECT_TRUE(has(e, "uniform takes 2 arguments, uniform(min_value, max_value); got 1")) << e;
  e = space_error("  - number_of_epochs: quniform(1, 10)\n");
  EXPECT_TRUE(has(e, "quniform takes 3 arguments, quniform(min_value, max_value, q); got 2")) << e;
  e = space_error("  - warmup_cosine_lr_warmup_epochs: randint(1, 5)\n");
  EXPECT_TRUE(has(e, "randint takes 1 argument, randint(upper); got 2")) << e;
  e = space_error("  - model_name: choice()\n");
  EXPECT_TRUE(has(e, "choice needs at least one value")) << e;
  e = space_error("  - learning_rate: {type: uniform, min_value: 0.001}\n");
  EXPECT_TRUE(has(e, "uniform needs min_value and max_value")) << e;
  e = space_error("  - learning_rate: {type: uniform, min_value: 0.001, max_value: 0.01, q: 0.001}\n");
  EXPECT_TRUE(has(e, "search_space[0].learning_rate.q: unknown key 'q'")) << e;
  e = space_error("  - optimizer: {type: choice, values: []}\n");
  EXPECT_TRUE(has(e, "values must be a non-empty list")) << e;
  e = space_error("  - learning_rate: uniform(low, 0.01)\n");
  EXPECT_TRUE(has(e, "min_value must be a number, got 'low'")) << e;
  e = space_error("  - learning_rate: {type: uniform, min_value: small, max_value: 0.01}\n");
  EXPECT_TRUE(has(e, "'small' is not allowed for search_space[0].learning_rate.min_value; expected a number")) << e;
}

TEST(SweepDistributionParse, Bounds) {
  std::string e = space_error("  - learning_rate: uniform(0.01, 0.001)\n");
  EXPECT_TRUE(has(e, "'uniform(0.01, 0.001)' is not allowed for search_space[0].learning_rate: min_value (0.01) "
                     "must be below max_value (0.001)")) << e;
  e = space_error("  - learning_rate: {type: loguniform, min_value: -3, max_value: -3}\n");
  EXPECT_TRUE(has(e, "must be below max_value")) << e;
  EXPECT_TRUE(has(space_error("  - momentum: normal(0.9, -0.1)\n"), "sigma must be >= 0"));
  EXPECT_TRUE(has(space_error("  - number_of_epochs: quniform(1, 10, 0)\n"), "q must be > 0"));
  EXPECT_TRUE(has(space_error("  - number_of_epochs: randint(0)\n"), "upper must be an integer >= 1"));
  EXPECT_TRUE(has(space_error("  - number_of_epochs: randint(2.5)\n"), "upper must be an integer >= 1"));
}

TEST(SweepDistributionParse, ListsAndMapsThatAreNotLaws) {
  std::string e = space_error("  - optimizer: [sgd, adam]\n");
  EXPECT_TRUE(has(e, "a list is not a distribution; write {type: choice, values: [...]}")) << e;
  e = space_error("  - optimizer: \"choice('sgd', 'adam)\"\n");
  EXPECT_TRUE(has(e, "unclosed quote")) << e;
}

}  // namespace
}  // namespace autodet::sweep
