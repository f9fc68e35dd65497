// Reports as a reader opens them: a tiny job and a small sweep are trained on synthetic data with
// the autodet binary, their reports and an `evaluate --report` written, and each is opened from
// disk in Debian's Chromium (tests/report/check_report.mjs, playwright-core): charts drawn, gallery
// images loaded, the threshold control switching the matrix, no console error, no request.
// The same reports' embedded numbers are compared with `jobs show --json` and `evaluate --json`.
#include <chrono>
#include <cstdio>
#include <memory>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/fs.h"
#include "data/synth.h"
#include "report/chart_library.h"
#include "test_util.h"

using namespace autodet;
using namespace autodet::testing;
using nlohmann::json;

namespace {

const std::string kSource = AUTODET_SOURCE_DIR;

std::string job_yaml(const std::string& data, const std::string& name, int trials, int epochs, const std::string& sweep) {
  return "type: automl\ntask: image_object_detection\nname: " + name + "\ntarget_column_name: label\ntraining_data:\n  path: " + data +
         "\nvalidation_data_size: 0.25\nlimits:\n  max_trials: " + std::to_string(trials) +
         "\n  max_concurrent_trials: 1\ntraining_parameters:\n  model_name: yolov5\n  model_size: nano\n  pretrained_weights: none\n"
         "  image_size: 128\n  number_of_epochs: " + std::to_string(epochs) +
         "\n  training_batch_size: 8\n  validation_batch_size: 12\n  warmup_cosine_lr_warmup_epochs: 0\n"
         "  optimizer: adamw\n  learning_rate: 0.002\n  early_stopping: false\n  precision: fp32\n  advanced_settings: "
         "'{\"apply_mosaic_for_yolo\": false}'\n" + sweep;
}

// Predictions made from the ground truth: each object found at a score that cycles through
// 0.15..0.95, and one false positive per image, so every threshold gives another matrix.
void write_crafted_predictions(const Dataset& data, const std::string& path) {
  std::string out;
  int k = 0;
  for (const ImageRecord& im : data.images) {
    json boxes = json::array();
    for (const Box& b : im.boxes) {
      const double s = 0.15 + 0.1 * (k++ % 9);
      boxes.push_back({{"box", {{"topX", b.x0 / im.width}, {"topY", b.y0 / im.height}, {"bottomX", b.x1 / im.width},
                                {"bottomY", b.y1 / im.height}}}, {"label", b.label}, {"score", s}});
    }
    boxes.push_back({{"box", {{"topX", 0.0}, {"topY", 0.0}, {"bottomX", 0.1}, {"bottomY", 0.1}}},
                     {"label", data.classes().front()}, {"score", 0.55}});
    out += json{{"filename", im.url}, {"boxes", boxes}}.dump() + "\n";
  }
  write_text(path, out);
}

// The JSON a report embeds.
json embedded(const std::string& report) {
  const std::string page = read_file(report);
  const std::string open = "<script type=\"application/json\" id=\"report-data\">";
  const std::size_t from = page.find(open);
  if (from == std::string::npos) throw Error(report + ": no embedded data");
  const std::size_t to = page.find("</script>", from);
  return json::parse(page.substr(from + open.size(), to - from - open.size()));
}

// The trained jobs and their reports.
struct Built {
  std::string skip;  // why the tests skip, "" when they run
  std::string failure;
  std::unique_ptr<TempDir> dir;
  std::string single, sweep, evaluated, crafted;  // report.html paths
  double single_seconds = 0;
};

Built& built() {
  static Built b;
  return b;
}

bool run_ok(const std::string& args, std::string* out = nullptr) {
  std::string o;
  const int rc = run_autodet(args, &o);
  if (out) *out = o;
  if (rc != 0) built().failure += "`autodet " + args + "` exited " + std::to_string(rc) + ":\n" + o + "\n";
  return rc == 0;
}

// Trains the jobs and writes the reports (b.skip says why not, b.failure what failed).
void build_reports(Built& b) {
  if (!fs_exists("/usr/bin/chromium")) b.skip = "Debian's chromium is not installed (/usr/bin/chromium; make deps installs it)";
  else if (!fs_exists(kSource + "/tests/report/node_modules/playwright-core/package.json"))
    b.skip = "tests/report/node_modules is absent (make test runs npm ci there)";
  else if (std::system("node --version > /dev/null 2>&1") != 0) b.skip = "node is not installed";
  else {
    try {
      report::load_chart_library();
    } catch (const Error& e) {
      b.skip = std::string("the chart library is not installed: ") + e.what();
    }
  }
  if (!b.skip.empty()) return;
  b.dir = std::make_unique<TempDir>();
  const TempDir& t = *b.dir;
  SynthOptions o;
  o.images = 48;
  o.classes = 2;
  o.width = o.height = 128;
  o.seed = 3;
  const Dataset data = generate_synthetic(o, t / "data");
  write_text(t / "single.yml", job_yaml(t / "data", "single", 1, 3, ""));
  write_text(t / "sweep.yml", job_yaml(t / "data", "sweep", 2, 2,
                                       "sweep:\n  sampling_algorithm: {type: random, seed: 5}\nsearch_space:\n"
                                       "  - learning_rate: {type: uniform, min_value: 0.001, max_value: 0.003}\n"));
  const std::string ws = " --workspace " + (t / "ws");
  if (!run_ok("-q train " + (t / "single.yml") + ws + " --threads 2")) return;
  if (!run_ok("-q train " + (t / "sweep.yml") + ws + " --threads 2")) return;
  std::string out;
  const auto t0 = std::chrono::steady_clock::now();
  if (!run_ok("-q report single" + ws + " --out " + (t / "reports/single"), &out)) return;
  b.single_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  b.single = t / "reports/single/report.html";
  if (!run_ok("-q report sweep" + ws + " --out " + (t / "reports/sweep"))) return;
  b.sweep = t / "reports/sweep/report.html";
  if (!run_ok("-q predict --model " + (t / "ws/jobs/single/best_model") + " " + (t / "data") + " --out " + (t / "predictions.jsonl")))
    return;
  if (!run_ok("-q evaluate --data " + (t / "data") + " --predictions " + (t / "predictions.jsonl") + " --json --pr-curves --report " +
                  (t / "reports/evaluated"),
              &out))
    return;
  write_text(t / "evaluate.json", out);
  b.evaluated = t / "reports/evaluated/report.html";
  write_crafted_predictions(data, t / "crafted.jsonl");
  if (!run_ok("-q evaluate --data " + (t / "data") + " --predictions " + (t / "crafted.jsonl") + " --json --report " +
              (t / "reports/crafted")))
    return;
  b.crafted = t / "reports/crafted/report.html";
}

void renders_offline_in_chromium(const Built& b) {
  const std::string shots = parent_dir(AUTODET_BINARY) + "/report-screenshots";
  make_dirs(shots);
  const std::string cmd = "node " + kSource + "/tests/report/check_report.mjs " + shots + " " + b.single + " " + b.sweep + " " +
                          b.evaluated + " " + b.crafted + " 2>&1";
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  const int rc = ::pclose(p);
  std::printf("%s", out.c_str());
  ASSERT_EQ(rc, 0) << out;
  std::vector<json> lines;
  for (std::size_t a = 0, e; (e = out.find('\n', a)) != std::string::npos; a = e + 1)
    if (out[a] == '{') lines.push_back(json::parse(out.substr(a, e - a)));
  ASSERT_EQ(lines.size(), 4u) << out;
  EXPECT_GE(lines[0]["charts"], 4);  // losses, validation, learning rate, PR curves, confusion matrix
  EXPECT_GT(lines[0]["images"], 0);
  EXPECT_GE(lines[1]["charts"], 7);  // + a chart per varied parameter and the trial curves
  EXPECT_EQ(lines[3]["threshold"], "matrix changed");
  for (const json& l : lines) {
    EXPECT_EQ(l["requests"], 0) << l;
    EXPECT_TRUE(fs_exists(l["screenshot"])) << l;
  }
}

void job_report_equals_jobs_show_json(const Built& b) {
  for (const auto& [job, report] : {std::pair<std::string, std::string>{"single", b.single}, {"sweep", b.sweep}}) {
    std::string out;
    ASSERT_TRUE(run_ok("-q jobs show " + job + " --json --workspace " + (*b.dir / "ws"), &out)) << b.failure;
    const json shown = json::parse(out);
    const json data = embedded(report);
    EXPECT_EQ(data["job"], shown) << job;
    // The evaluation the report shows is the best trial's, as `jobs show` lists it.
    const json* best = nullptr;
    for (const json& t : shown["trials"])
      if (t["id"] == shown["best_trial"]) best = &t;
    ASSERT_NE(best, nullptr) << job;
    ASSERT_TRUE(best->contains("evaluation")) << *best;
    EXPECT_EQ(data["evaluation"]["metrics"], (*best)["evaluation"]["metrics"]) << job;
    EXPECT_EQ(data["evaluation"]["confusion_matrices"], (*best)["evaluation"]["confusion_matrices"]) << job;
    EXPECT_EQ(data["evaluation"]["epoch"], (*best)["best_epoch"]) << job;
    // The recorded mAP is the one logged for that epoch.
    const json& maps = (*best)["metrics"]["mean_average_precision"];
    const json& epochs = (*best)["metric_epochs"]["mean_average_precision"];
    for (std::size_t i = 0; i < epochs.size(); ++i) {
      if (epochs[i] != (*best)["best_epoch"]) continue;
      EXPECT_NEAR(maps[i].get<double>(), data["evaluation"]["metrics"]["mean_average_precision"].get<double>(), 1e-12);
    }
  }
  const json sweep = embedded(b.sweep)["sweep"];
  EXPECT_EQ(sweep["varied"], json({"learning_rate"}));
  EXPECT_EQ(sweep["trials"].size(), 2u);
}

void evaluate_report_equals_evaluate_json(const Built& b) {
  json printed = json::parse(read_file(*b.dir / "evaluate.json"));
  const json data = embedded(b.evaluated);
  const json curves = printed["pr_curves"];
  printed.erase("pr_curves");
  EXPECT_EQ(data["evaluation"]["metrics"], printed);
  for (auto it = curves.begin(); it != curves.end(); ++it) {
    if (it.value()["recall"].size() > 1500) continue;  // thinned for plotting
    EXPECT_EQ(data["evaluation"]["pr_curves"][it.key()]["recall"], it.value()["recall"]) << it.key();
    EXPECT_EQ(data["evaluation"]["pr_curves"][it.key()]["precision"], it.value()["precision"]) << it.key();
  }
  // evaluation.json beside the report holds the same.
  const json record = json::parse(read_file(*b.dir / "reports/evaluated/evaluation.json"));
  EXPECT_EQ(record["metrics"]["mean_average_precision"], printed["mean_average_precision"]);
}

void small_and_quick_to_write(const Built& b) {
  for (const std::string& r : {b.single, b.sweep, b.evaluated, b.crafted}) {
    const auto size = read_file(r).size();
    std::printf("%s: %.2f MB\n", r.c_str(), double(size) / 1e6);
    EXPECT_LT(size, 10u * 1000 * 1000) << r;
  }
  std::printf("report of the single job written in %.2f s (the binary's start included)\n", b.single_seconds);
  EXPECT_LT(b.single_seconds, 5.0);
}

}  // namespace

// One test: the jobs are trained once (about a minute on two cores) for every check.
TEST(ReportBrowser, TrainedJobReportsRenderOfflineAndEqualTheirSources) {
  Built& b = built();
  build_reports(b);
  if (!b.skip.empty()) GTEST_SKIP() << b.skip;
  ASSERT_TRUE(b.failure.empty()) << b.failure;
  {
    SCOPED_TRACE("opened in Chromium");
    renders_offline_in_chromium(b);
  }
  {
    SCOPED_TRACE("job reports against jobs show --json");
    job_report_equals_jobs_show_json(b);
  }
  {
    SCOPED_TRACE("evaluate --report against evaluate --json");
    evaluate_report_equals_evaluate_json(b);
  }
  {
    SCOPED_TRACE("size and time");
    small_and_quick_to_write(b);
  }
  b.dir.reset();
}
