#pragma once
// The report as one HTML file: the page's markup, style and script (which wires the data to
// ECharts charts, the threshold control and table sorting), the chart library, its licence
// notices and the data, all inline, so the file works opened from disk with no network.
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "report/chart_library.h"

namespace autodet::report {

// data: job_report_data or evaluation_report_data (job_report.h); embedded as JSON in a
// <script type="application/json" id="report-data"> element.
std::string render_report_page(const nlohmann::json& data, const ChartLibrary& library);

// The page's data as it is embedded: JSON with every '<' written as \u003c, so no text in it can
// close the script element.
std::string embedded_json(const nlohmann::json& data);

}  // namespace autodet::report
