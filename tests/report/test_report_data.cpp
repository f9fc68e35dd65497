// What a report holds, without a browser: a sweep's trials (varied parameters, early-terminated
// trials, budget), the best trial's evaluation with the gallery worst first, the page's embedded
// data read back unchanged, and a clear error when the chart library is not installed.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include "core/base64.h"
#include "core/error.h"
#include "core/fs.h"
#include "eval/evaluate.h"
#include "eval/evaluation_record.h"
#include "report/chart_library.h"
#include "report/job_report.h"
#include "report/report_page.h"
#include "store/workspace.h"
#include "test_util.h"

using namespace autodet;
using namespace autodet::testing;
using nlohmann::json;

namespace {

// Two images on disk, one class "a</script>" (a name that would end a script element) and "b".
eval::EvalSet images_set(const TempDir& t) {
  make_image(t / "good.jpg", 400, 300);
  make_image(t / "bad.png", 640, 480);
  eval::EvalSet s;
  s.classes = {"a</script>", "b"};
  eval::EvalImage good;
  good.id = 1, good.url = "good.jpg", good.path = t / "good.jpg", good.width = 400, good.height = 300;
  good.gts = {eval::GtBox{{20, 20, 100, 80}, 0, false}};
  good.dets = {eval::Detection{{22, 21, 98, 80}, 0, 0.9}};
  eval::EvalImage bad = good;
  bad.id = 2, bad.url = "bad.png", bad.path = t / "bad.png", bad.width = 640, bad.height = 480;
  bad.gts = {eval::GtBox{{20, 20, 100, 80}, 0, false}, eval::GtBox{{300, 300, 50, 50}, 1, false}};
  bad.dets = {eval::Detection{{22, 21, 98, 80}, 1, 0.8}, eval::Detection{{500, 10, 60, 60}, 0, 0.7}};
  s.images = {good, bad};
  return s;
}

json make_record(const TempDir& t) {
  const eval::EvalSet set = images_set(t);
  eval::EvalOptions o;
  o.threads = 1;
  json r = eval::evaluation_record(set, eval::evaluate(set, o), 0.5);
  r["epoch"] = 2;
  return r;
}

// A finished sweep of three trials over learning_rate and model_size: one completed, one
// terminated early, one failed; the completed one recorded its evaluation.
void fill_sweep(const TempDir& t) {
  auto st = store::open_run_store(store::Workspace(t / "ws"));
  store::JobRecord job;
  job.name = "sweep";
  job.spec = R"({"job": {"mode": "sweep"}, "limits": {"max_trials": 4, "max_concurrent_trials": 2, "timeout_minutes": 60}})";
  job.tags = R"({"autodet.sweep_seconds": "90.0"})";
  st->create_job(job);
  st->set_job_status("sweep", store::RunStatus::Running);
  const char* params[] = {R"({"learning_rate": 0.01, "model_size": "small", "optimizer": "sgd"})",
                          R"({"learning_rate": 0.02, "model_size": "nano", "optimizer": "sgd"})",
                          R"({"learning_rate": 0.03, "model_size": "nano", "optimizer": "sgd"})"};
  std::vector<std::string> ids;
  for (const char* p : params) {
    store::TrialRecord tr;
    tr.parameters = p;
    ids.push_back(st->create_trial("sweep", tr));
    st->set_trial_status(ids.back(), store::RunStatus::Running);
  }
  for (int e = 0; e < 3; ++e)
    st->record_epoch_metrics(ids[0], e, {{"mean_average_precision", 0.2 + 0.1 * e}, {"box_loss", 1.0 / (e + 1)},
                                         {"obj_loss", 0.5}, {"log_loss_train", 1.5}, {"log_loss", 1.7}, {"learning_rate", 0.01}});
  st->record_epoch_metrics(ids[1], 0, {{"mean_average_precision", 0.05}});
  eval::write_evaluation_record(t / "evaluation.json", make_record(t));
  st->record_artifact(ids[0], "evaluation", t / "evaluation.json");
  st->set_trial_status(ids[0], store::RunStatus::Completed);
  st->set_trial_status(ids[1], store::RunStatus::Terminated, "bandit: 0.05 is below 0.27");
  st->set_trial_status(ids[2], store::RunStatus::Failed, "out of memory");
  st->set_job_status("sweep", store::RunStatus::Completed);
}

json job_data(const TempDir& t) {
  auto st = store::open_run_store(store::Workspace(t / "ws"), false);
  report::ReportOptions o;
  o.gallery.threads = 1;
  return report::job_report_data(*st, "sweep", o);
}

}  // namespace

TEST(ReportData, SweepShowsVariedParametersEarlyTerminationAndBudget) {
  TempDir t;
  fill_sweep(t);
  const json d = job_data(t);
  const json& s = d.at("sweep");
  EXPECT_EQ(s["varied"], json({"learning_rate", "model_size"}));  // optimizer is the same everywhere
  ASSERT_EQ(s["trials"].size(), 3u);
  EXPECT_EQ(s["trials"][0]["early_terminated"], false);
  EXPECT_EQ(s["trials"][1]["early_terminated"], true);
  EXPECT_EQ(s["trials"][1]["values"]["model_size"], "nano");
  EXPECT_EQ(s["trials"][0]["curve"]["values"], json({0.2, 0.30000000000000004, 0.4}));
  EXPECT_EQ(s["budget"]["max_trials"], 4);
  EXPECT_EQ(s["budget"]["trials_used"], 3);
  EXPECT_DOUBLE_EQ(s["budget"]["minutes_used"].get<double>(), 1.5);
  EXPECT_EQ(s["budget"]["timeout_minutes"], 60);
  // Training curves of the best trial, by the family's loss names.
  EXPECT_EQ(d["training"]["trial"], "sweep_0");
  EXPECT_EQ(d["training"]["losses"], json({"box_loss", "log_loss_train", "obj_loss"}));
  EXPECT_EQ(d["training"]["validation"], json({"mean_average_precision", "log_loss"}));
}

TEST(ReportData, EvaluationIsTheRecordsWithTheGalleryWorstFirst) {
  TempDir t;
  fill_sweep(t);
  const json d = job_data(t);
  const json record = eval::read_evaluation_record(t / "evaluation.json");
  const json& ev = d.at("evaluation");
  json metrics = record["metrics"];
  metrics.erase("pr_curves");
  EXPECT_EQ(ev["metrics"], metrics);
  EXPECT_EQ(ev["confusion_matrices"], record["confusion_matrices"]);
  EXPECT_EQ(ev["pr_curves"]["a</script>"]["recall"], record["metrics"]["pr_curves"]["a</script>"]["recall"]);
  EXPECT_EQ(ev["epoch"], 2);
  EXPECT_EQ(ev["initial_threshold"], 0.5);
  EXPECT_EQ(ev["confusion_thresholds"].size(), 19u);
  // The job's trial carries the same evaluation as `jobs show --json` prints it.
  EXPECT_EQ(d["job"]["trials"][0]["evaluation"]["metrics"], metrics);
  EXPECT_EQ(d["job"]["trials"][0]["evaluation"]["path"], t / "evaluation.json");
  const json& g = ev["gallery"];
  ASSERT_EQ(g.size(), 2u);
  EXPECT_EQ(g[0]["file"], "bad.png");  // a wrong class, a false positive and a miss
  EXPECT_EQ(g[0]["wrong_class"], 1);
  EXPECT_EQ(g[0]["false_positives"], 1);
  EXPECT_EQ(g[0]["missed"], 1);
  EXPECT_EQ(g[1]["file"], "good.jpg");
  EXPECT_EQ(g[1]["true_positives"], 1);
  const std::string uri = g[0]["image"];
  ASSERT_EQ(uri.rfind("data:image/jpeg;base64,", 0), 0u);
  std::string error;
  const auto bytes = decode_base64(uri.substr(23), &error);
  ASSERT_TRUE(bytes) << error;
  const cv::Mat thumb = cv::imdecode(std::vector<unsigned char>(bytes->begin(), bytes->end()), cv::IMREAD_COLOR);
  EXPECT_EQ(thumb.cols, 320);  // 640 x 480 down to 320 on the long side
  EXPECT_EQ(thumb.rows, 240);
}

TEST(ReportData, AnImageThatIsGoneIsNamedNotFatal) {
  TempDir t;
  fill_sweep(t);
  std::remove((t / "good.jpg").c_str());
  const json g = job_data(t)["evaluation"]["gallery"];
  EXPECT_TRUE(g[1]["image"].is_null());
  EXPECT_NE(g[1]["error"].get<std::string>().find("good.jpg"), std::string::npos) << g[1];
}

TEST(ReportData, PageEmbedsTheDataUnchangedAndCannotBeClosedByIt) {
  TempDir t;
  fill_sweep(t);
  const json d = job_data(t);
  report::ChartLibrary lib;
  lib.path = "echarts.min.js";
  lib.script = "var echarts = {}; // a string '</script>' inside the library";
  lib.licences = "Licence <text> & more";
  const std::string page = report::render_report_page(d, lib);
  // Exactly as many script elements close as open: no text in the data or library ends one.
  const auto count = [&](const std::string& s) {
    std::size_t n = 0;
    for (std::size_t p = 0; (p = page.find(s, p)) != std::string::npos; ++p) ++n;
    return n;
  };
  EXPECT_EQ(count("<script"), count("</script>"));
  EXPECT_NE(page.find("Licence &lt;text&gt; &amp; more"), std::string::npos);
  const std::string open = "<script type=\"application/json\" id=\"report-data\">";
  const std::size_t from = page.find(open);
  ASSERT_NE(from, std::string::npos);
  const std::size_t to = page.find("</script>", from);
  EXPECT_EQ(json::parse(page.substr(from + open.size(), to - from - open.size())), d);
  EXPECT_NE(page.find("Content-Security-Policy"), std::string::npos);
}

TEST(ReportData, MissingChartLibraryNamesTheFileAndHowToInstallIt) {
  TempDir t;
  try {
    report::load_chart_library({t / "web"});
    FAIL() << "found a library in an empty folder";
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find(t / "web/node_modules/echarts/dist/echarts.min.js"), std::string::npos) << msg;
    EXPECT_NE(msg.find("make web-deps"), std::string::npos) << msg;
  }
  ::setenv("AUTODET_WEB_DIR", (t / "elsewhere").c_str(), 1);
  const auto dirs = report::chart_library_dirs();
  ::unsetenv("AUTODET_WEB_DIR");
  ASSERT_GE(dirs.size(), 2u);
  EXPECT_EQ(dirs.front(), t / "elsewhere");
  EXPECT_EQ(dirs.back(), std::string(AUTODET_SOURCE_DIR) + "/src/report/web");
}

TEST(ReportData, WrittenPageEmbedsTheInstalledChartLibrary) {
  report::ChartLibrary lib;
  try {
    lib = report::load_chart_library();
  } catch (const Error& e) {
    GTEST_SKIP() << "the chart library is not installed (make web-deps): " << e.what();
  }
  TempDir t;
  fill_sweep(t);
  const std::string path = report::write_report(job_data(t), t / "out");
  EXPECT_EQ(path, t / "out/report.html");
  const std::string page = read_file(path);
  EXPECT_NE(page.find("Apache License"), std::string::npos);
  EXPECT_GT(page.size(), lib.script.size());
  EXPECT_NE(page.find(lib.path), std::string::npos);
}
