#pragma once
// The HTML report of a job (training curves, the best trial's evaluation, a sweep's trials) and
// of a bare evaluation (`evaluate --report`): one self-contained page written into a folder.
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "report/gallery.h"
#include "store/run_store.h"
#include "store/workspace.h"

namespace autodet::report {

struct ReportOptions {
  GalleryOptions gallery;
};

// The page's data for a job: {"kind": "job", "title", "job": job_json (what `jobs show
// --json` prints), "training": {"trial", "losses", "validation", "learning_rate"},
// "sweep": sweep_section or null, "evaluation": evaluation_section of the best trial or null,
// "evaluation_note": why there is none}.
nlohmann::json job_report_data(store::RunStore& store, const std::string& job, const ReportOptions& options);

// The page's data for an evaluation record: {"kind": "evaluation", "title", "evaluation"}.
nlohmann::json evaluation_report_data(const nlohmann::json& record, const std::string& record_file, const std::string& title,
                                      const ReportOptions& options);

// Writes out_dir/report.html (atomically) from report data; returns its path.
std::string write_report(const nlohmann::json& data, const std::string& out_dir);

}  // namespace autodet::report
