#include "report/job_report.h"

#include <nlohmann/json.hpp>

#include "core/fs.h"
#include "eval/evaluation_record.h"
#include "report/chart_library.h"
#include "report/evaluation_section.h"
#include "report/report_page.h"
#include "report/sweep_section.h"
#include "report/job_json.h"

namespace autodet::report {
namespace {

using nlohmann::json;

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// Which recorded metrics are training losses (the family's own names and their sum
// log_loss_train), which describe validation, and the learning rate.
json training_series(const json& trial) {
  json losses = json::array(), validation = json::array();
  for (auto it = trial["metrics"].begin(); it != trial["metrics"].end(); ++it) {
    const std::string& n = it.key();
    if (n == "log_loss_train" || (n.find("loss") != std::string::npos && n != "log_loss" && !ends_with(n, "_train")))
      losses.push_back(n);
  }
  for (const char* n : {"mean_average_precision", "precision", "recall", "coco_AP", "coco_AP50", "log_loss"})
    if (trial["metrics"].contains(n)) validation.push_back(n);
  return {{"trial", trial["id"]}, {"losses", losses}, {"validation", validation},
          {"learning_rate", trial["metrics"].contains("learning_rate") ? json("learning_rate") : json(nullptr)}};
}

const json* find_trial(const json& job, const json& id) {
  for (const json& t : job["trials"])
    if (t["id"] == id) return &t;
  return nullptr;
}

}  // namespace

json job_report_data(store::RunStore& store, const std::string& name, const ReportOptions& options) {
  const store::JobRecord record = store.get_job(name);
  json job = job_json(store, record, store::Clock::now());
  json data = {{"kind", "job"}, {"title", "autodet job " + name}, {"job", job}, {"training", nullptr}, {"sweep", nullptr},
               {"evaluation", nullptr}, {"evaluation_note", ""}};
  const json* best = job["best_trial"].is_null() ? nullptr : find_trial(job, job["best_trial"]);
  if (!best && !job["trials"].empty()) best = &job["trials"].back();
  if (job["spec"].value("job", json::object()).value("mode", "single") != "single" || job["trials"].size() > 1)
    data["sweep"] = sweep_section(job);
  if (!best) {
    data["evaluation_note"] = "the job has no trial yet";
    return data;
  }
  data["training"] = training_series(*best);
  const json artifacts = best->value("artifacts", json::object());
  if (!artifacts.contains("evaluation")) {
    data["evaluation_note"] = "trial " + best->value("id", std::string()) +
                              " recorded no evaluation (it has not finished an evaluation yet, or it was trained by an autodet "
                              "that did not record evaluations)";
    return data;
  }
  const std::string file = artifacts["evaluation"].get<std::string>();
  data["evaluation"] = evaluation_section(eval::read_evaluation_record(file), file, options.gallery);
  return data;
}

json evaluation_report_data(const json& record, const std::string& record_file, const std::string& title, const ReportOptions& options) {
  return {{"kind", "evaluation"}, {"title", title}, {"evaluation", evaluation_section(record, record_file, options.gallery)}};
}

std::string write_report(const json& data, const std::string& out_dir) {
  const ChartLibrary lib = load_chart_library();
  make_dirs(out_dir);
  const std::string path = join_path(out_dir, "report.html");
  write_file_atomic(path, render_report_page(data, lib));
  return path;
}

}  // namespace autodet::report
