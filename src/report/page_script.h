#pragma once
// The report page's own markup, style and script. The script only wires data to charts: it
// builds ECharts options from the embedded data, switches the confusion matrix when the score
// threshold control moves, and sorts the trial table; ECharts draws every chart.
namespace autodet::report {

extern const char* const kPageStyle;
extern const char* const kPageBody;
extern const char* const kPageScript;

}  // namespace autodet::report
