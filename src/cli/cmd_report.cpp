// `autodet report JOB [--out DIR]`: the job's HTML report (training curves, the best trial's
// evaluation, a sweep's trials) in one self-contained file.
#include <memory>

#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/log.h"
#include "report/job_report.h"
#include "store/workspace.h"

namespace autodet::cli {
namespace {

struct Args {
  std::string workspace = store::kDefaultWorkspace;
  std::string job;
  std::string out;  // "": <workspace>/jobs/<job>/report
  report::ReportOptions options;
};

void run(const Args& a) {
  store::Workspace ws(a.workspace);
  if (!ws.has_store())
    throw Error("job '" + a.job + "' not found: " + ws.root() + " has no run store (" + ws.database_path() + ")");
  auto st = store::open_run_store(ws, /*create=*/false);
  if (!st->find_job(a.job))
    throw Error("job '" + a.job + "' not found in " + ws.root() + " (`autodet jobs list --workspace " + ws.root() +
                "` shows the jobs there)");
  const nlohmann::json data = report::job_report_data(*st, a.job, a.options);
  const std::string path = report::write_report(data, a.out.empty() ? join_path(ws.job_dir(a.job), "report") : a.out);
  log::out() << path << "\n";
}

CommandRegistrar reg(45, [](CLI::App& root) {
  auto args = std::make_shared<Args>();
  auto* cmd = root.add_subcommand("report", "Write a job's HTML report: curves, per-class AP, PR curves, confusion matrix, "
                                            "worst images, a sweep's trials");
  cmd->add_option("JOB", args->job, "Job name")->required();
  cmd->add_option("--out", args->out, "Folder to write report.html into (default: <workspace>/jobs/<job>/report)");
  cmd->add_option("--workspace", args->workspace, "Workspace folder")->capture_default_str();
  cmd->add_option("--gallery", args->options.gallery.max_images, "How many of the worst validation images to show")
      ->capture_default_str();
  cmd->add_option("--gallery-score", args->options.gallery.score_threshold,
                  "Score threshold of the gallery's boxes and of the confusion matrix the page opens with")
      ->check(CLI::Range(0.05, 0.95))
      ->capture_default_str();
  cmd->callback([args] { run(*args); });
});

}  // namespace
}  // namespace autodet::cli
