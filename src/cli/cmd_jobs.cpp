// `autodet jobs list` and `autodet jobs show JOB`: what the run store knows about jobs and trials.
#include <algorithm>
#include <cmath>
#include <set>

#include <nlohmann/json.hpp>

#include "automl/trial_source.h"
#include "cli/command.h"
#include "cli/store_option.h"
#include "core/error.h"
#include "core/log.h"
#include "report/job_json.h"
#include "store/run_json.h"
#include "store/timestamp.h"
#include "store/workspace.h"

namespace autodet::cli {
namespace {

using nlohmann::json;
using store::Clock;

struct Args {
  std::string workspace = store::kDefaultWorkspace;
  std::string job;
  bool json = false;
  bool epochs = false;
  std::string store;  // --store URL
};

// Prints rows under headers with aligned columns; right-aligned where right[i] is true.
void print_table(const std::vector<std::string>& headers, const std::vector<std::vector<std::string>>& rows,
                 const std::vector<bool>& right) {
  std::vector<std::size_t> width(headers.size());
  for (std::size_t i = 0; i < headers.size(); ++i) width[i] = headers[i].size();
  for (const auto& r : rows)
    for (std::size_t i = 0; i < r.size() && i < width.size(); ++i) width[i] = std::max(width[i], r[i].size());
  auto line = [&](const std::vector<std::string>& cells) {
    std::string s;
    for (std::size_t i = 0; i < cells.size(); ++i) {
      bool last = i + 1 == cells.size();
      std::string pad(width[i] - std::min(width[i], cells[i].size()), ' ');
      s += right[i] ? pad + cells[i] : (last ? cells[i] : cells[i] + pad);
      if (!last) s += "  ";
    }
    log::out() << s << "\n";
  };
  line(headers);
  for (const auto& r : rows) line(r);
}

// "2024-05-01T12:00:03.123Z" -> "2024-05-01 12:00:03"; "-" when empty.
std::string when(const std::string& iso) {
  if (iso.size() < 19) return iso.empty() ? "-" : iso;
  return iso.substr(0, 10) + " " + iso.substr(11, 8);
}

std::string duration_text(const json& seconds) {
  if (!seconds.is_number()) return "-";
  long s = std::lround(std::max(0.0, seconds.get<double>()));
  if (s < 60) return fmt::format("{}s", s);
  if (s < 3600) return fmt::format("{}m{:02}s", s / 60, s % 60);
  if (s < 86400) return fmt::format("{}h{:02}m", s / 3600, (s % 3600) / 60);
  return fmt::format("{}d{:02}h", s / 86400, (s % 86400) / 3600);
}

std::string metric_text(const json& v) {
  if (v.is_null()) return "-";
  return fmt::format("{:.5f}", v.get<double>());
}

std::string value_text(double v) {
  if (std::isnan(v)) return "nan";
  return fmt::format("{:.6g}", v);
}

// "learning_rate=0.01 model_name=yolov5", of the keys given (all when keys is empty).
std::string parameters_text(const json& params, const std::set<std::string>& keys) {
  if (!params.is_object()) return params.dump();
  std::string s;
  for (auto it = params.begin(); it != params.end(); ++it) {
    if (!keys.empty() && !keys.count(it.key())) continue;
    std::string v = it->is_string() ? it->get<std::string>() : it->dump();
    if (it->is_number_float()) v = fmt::format("{:.6g}", it->get<double>());
    s += (s.empty() ? "" : " ") + it.key() + "=" + v;
  }
  return s.empty() ? "-" : s;
}

// The parameters whose values differ between the trials (a sweep's varying ones).
std::set<std::string> varying_parameters(const json& trials) {
  std::set<std::string> keys;
  for (const json& t : trials)
    for (auto it = t["parameters"].begin(); t["parameters"].is_object() && it != t["parameters"].end(); ++it)
      for (const json& u : trials)
        if (!u["parameters"].is_object() || !u["parameters"].contains(it.key()) || u["parameters"][it.key()] != *it)
          keys.insert(it.key());
  return keys;
}

// The resume command names the workspace when it is not the default one.
void add_workspace_to_resume(json& j, const Args& a) {
  if (j.contains("resume_command") && a.workspace != store::kDefaultWorkspace)
    j["resume_command"] = j["resume_command"].get<std::string>() + " --workspace " + a.workspace;
}

void list_jobs(const Args& a) {
  store::Workspace ws(a.workspace);
  std::vector<store::JobRecord> jobs;
  std::unique_ptr<store::RunStore> st;
  if (ws.has_store()) {
    st = store::open_run_store(ws, /*create=*/false);
    jobs = st->list_jobs();
  }
  Clock::time_point now = Clock::now();
  if (a.json) {
    json out = json::array();
    for (const auto& job : jobs) {
      out.push_back(store::job_summary_json(*st, job, now));
      add_workspace_to_resume(out.back(), a);
    }
    log::out() << out.dump(2) << "\n";
    return;
  }
  if (jobs.empty()) {
    log::out() << "no jobs in " << ws.root() << "\n";
    return;
  }
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> resumable;
  for (const auto& job : jobs) {
    json j = store::job_summary_json(*st, job, now);
    add_workspace_to_resume(j, a);
    if (j.contains("resume_command")) resumable.push_back(j["resume_command"]);
    rows.push_back({job.name, j["status"], std::to_string(j["trial_count"].get<std::size_t>()),
                    metric_text(j["best_metric"]) + (j["ranking_metric"] == store::kPrimaryMetric || j["best_metric"].is_null() ? "" : " (COCO AP)"),
                    when(job.times.created), duration_text(j["duration_seconds"])});
  }
  print_table({"NAME", "STATUS", "TRIALS", "BEST mAP", "CREATED (UTC)", "DURATION"}, rows,
              {false, false, true, true, false, true});
  for (const auto& command : resumable) log::out() << "interrupted; continue with: " << command << "\n";
}

// Per-epoch metrics of one trial, the primary metric first.
void print_epochs(const json& trial) {
  std::vector<std::string> names;
  if (trial["metrics"].contains(store::kPrimaryMetric)) names.push_back(store::kPrimaryMetric);
  for (auto it = trial["metrics"].begin(); it != trial["metrics"].end(); ++it)
    if (it.key() != store::kPrimaryMetric) names.push_back(it.key());
  std::map<int, std::vector<std::string>> by_epoch;
  for (std::size_t n = 0; n < names.size(); ++n) {
    const json& values = trial["metrics"][names[n]];
    const json& epochs = trial["metric_epochs"][names[n]];
    for (std::size_t i = 0; i < values.size(); ++i) {
      auto& row = by_epoch[epochs[i].get<int>()];
      row.resize(names.size(), "");
      row[n] = values[i].is_null() ? "nan" : value_text(values[i].get<double>());
    }
  }
  log::out() << "\n" << trial["id"].get<std::string>() << "\n";
  if (by_epoch.empty()) {
    log::out() << "  no metrics yet\n";
    return;
  }
  std::vector<std::string> headers{"EPOCH"};
  headers.insert(headers.end(), names.begin(), names.end());
  std::vector<std::vector<std::string>> rows;
  for (auto& [epoch, cells] : by_epoch) {
    std::vector<std::string> row{std::to_string(epoch + 1)};  // counted from 1, as `train` prints them
    cells.resize(names.size(), "");
    row.insert(row.end(), cells.begin(), cells.end());
    rows.push_back(row);
  }
  print_table(headers, rows, std::vector<bool>(headers.size(), true));
}

void show_job(const Args& a) {
  store::Workspace ws(a.workspace);
  if (!ws.has_store())
    throw Error("job '" + a.job + "' not found: " + ws.root() + " has no run store (" + ws.database_path() + ")");
  auto st = store::open_run_store(ws, /*create=*/false);
  auto job = st->find_job(a.job);
  if (!job)
    throw Error("job '" + a.job + "' not found in " + ws.root() + " (`autodet jobs list --workspace " + ws.root() +
                "` shows the jobs there)");
  json j = report::job_json(*st, *job, Clock::now());
  add_workspace_to_resume(j, a);
  if (a.json) {
    log::out() << j.dump(2) << "\n";
    return;
  }
  auto field = [](const std::string& key, const std::string& value) {
    if (!value.empty()) log::out() << fmt::format("{:<12} {}\n", key, value);
  };
  field("job", job->name);
  field("status", j["status"].get<std::string>());
  if (j.contains("resume_command")) {
    field("why", j["interrupted_because"].get<std::string>() + " (recorded as " + to_string(job->status) + ")");
    field("resume", j["resume_command"].get<std::string>());
  }
  field("message", job->message);
  field("experiment", job->experiment_name);
  field("display name", job->display_name);
  field("description", job->description);
  field("task", job->task);
  field("created", when(job->times.created) + " UTC");
  if (!job->times.started.empty()) field("started", when(job->times.started) + " UTC");
  if (!job->times.ended.empty()) field("ended", when(job->times.ended) + " UTC");
  field("duration", duration_text(j["duration_seconds"]));
  field("folder", ws.job_dir(job->name));
  if (!j["skipped_images"].empty()) {
    field("skipped", fmt::format("{} image{} that cannot be decoded:", j["skipped_images"].size(),
                                 j["skipped_images"].size() == 1 ? "" : "s"));
    for (const json& s : j["skipped_images"])
      log::out() << "  " << s.value("path", "") << ": " << s.value("reason", "") << "\n";
  }
  if (j["best_trial"].is_null())
    field("best trial", "none yet");
  else
    field("best trial", fmt::format("{} ({} {:.5f} at epoch {})", j["best_trial"].get<std::string>(),
                                    j["ranking_metric"].get<std::string>(), j["best_metric"].get<double>(), j["best_epoch"].get<int>() + 1));
  // AutoMode's refit: the published model is the best trial's configuration trained again on the
  // training and validation images (docs/automode.md).
  const json& tags = j["tags"];
  if (!j["best_trial"].is_null() && tags.is_object() && tags.contains("automl_best_child_run_id") &&
      tags["automl_best_child_run_id"].is_string() && tags["automl_best_child_run_id"] != j["best_trial"])
    field("best model", fmt::format("{}: trial {}'s configuration refit on the training and validation images",
                                    tags["automl_best_child_run_id"].get<std::string>(), j["best_trial"].get<std::string>()));
  if (j["trials"].empty()) {
    log::out() << "\nno trials yet\n";
    return;
  }
  log::out() << "\n";
  // Best first by the job's ranking metric (trials without one last, in index order).
  std::vector<json> trials(j["trials"].begin(), j["trials"].end());
  std::stable_sort(trials.begin(), trials.end(), [](const json& a, const json& b) {
    if (a["best_metric"].is_null() || b["best_metric"].is_null()) return !a["best_metric"].is_null() && b["best_metric"].is_null();
    return a["best_metric"].get<double>() > b["best_metric"].get<double>();
  });
  const std::set<std::string> varying = varying_parameters(j["trials"]);
  const bool one = trials.size() == 1;
  std::vector<std::vector<std::string>> rows;
  for (const json& t : trials) {
    int epochs = 0;
    for (const auto& e : t["metric_epochs"]) epochs = std::max(epochs, e.empty() ? 0 : e.back().get<int>() + 1);  // epochs are numbered from 0
    const json& config = t["config"];
    const bool refit = is_refit(config);
    rows.push_back({t["id"], t["status"], refit ? "refit of " + config.value("refit_of", "?") : metric_text(t["best_metric"]),
                    t["best_epoch"].is_null() ? "-" : std::to_string(t["best_epoch"].get<int>() + 1),
                    std::to_string(epochs), duration_text(t["duration_seconds"]),
                    one ? parameters_text(t["parameters"], {}) : varying.empty() ? "-" : parameters_text(t["parameters"], varying)});
  }
  const bool by_coco = j["ranking_metric"] != store::kPrimaryMetric;
  print_table({"TRIAL", "STATUS", by_coco ? "BEST COCO AP" : "BEST mAP", "AT EPOCH", "EPOCHS", "DURATION",
               one ? "PARAMETERS" : "PARAMETERS (those that differ)"},
              rows, {false, false, true, true, true, true, false});
  for (const json& t : trials)
    if (!t["message"].get<std::string>().empty())
      log::out() << t["id"].get<std::string>() << " (" << t["status"].get<std::string>()
                 << "): " << t["message"].get<std::string>() << "\n";
  if (a.epochs)
    for (const json& t : j["trials"]) print_epochs(t);
}

CommandRegistrar reg(40, [](CLI::App& root) {
  auto& g = command_group(root, "jobs", "List jobs and show their trials, parameters and metrics");
  auto args = std::make_shared<Args>();
  auto* list = g.add_subcommand("list", "Jobs in the workspace: status, trials, best mAP, created, duration");
  list->add_option("--workspace", args->workspace, "Workspace folder")->capture_default_str();
  list->add_flag("--json", args->json, "Print JSON: one object per job (see docs/store.md)");
  add_store_option(*list, args->store);
  list->callback([args] {
    apply_store_option(args->store);
    list_jobs(*args);
  });

  auto* show = g.add_subcommand("show", "One job: its trials with status, parameters, best mAP and timings");
  show->add_option("JOB", args->job, "Job name")->required();
  show->add_option("--workspace", args->workspace, "Workspace folder")->capture_default_str();
  show->add_flag("--json", args->json, "Print JSON: the job, its trials (parameters, metrics per epoch), best_trial");
  show->add_flag("--epochs", args->epochs, "Also print each trial's metrics per epoch");
  add_store_option(*show, args->store);
  show->callback([args] {
    apply_store_option(args->store);
    show_job(*args);
  });
});

}  // namespace
}  // namespace autodet::cli
