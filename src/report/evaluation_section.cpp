#include "report/evaluation_section.h"

#include <cmath>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "eval/evaluation_record.h"

namespace autodet::report {
namespace {

using nlohmann::json;

// Plots need at most this many points per curve; every point is kept below it.
constexpr std::size_t kMaxCurvePoints = 1500;

// A class's curve with at most kMaxCurvePoints points: every k-th point, and always the last.
json thin_curve(const json& curve) {
  const json& r = curve.at("recall");
  const json& p = curve.at("precision");
  const std::size_t n = r.size();
  const std::size_t step = n <= kMaxCurvePoints ? 1 : (n + kMaxCurvePoints - 1) / kMaxCurvePoints;
  json recall = json::array(), precision = json::array();
  for (std::size_t i = 0; i < n; i += step) {
    recall.push_back(r[i]);
    precision.push_back(p[i]);
  }
  if (n && (n - 1) % step) {
    recall.push_back(r[n - 1]);
    precision.push_back(p[n - 1]);
  }
  return {{"recall", recall}, {"precision", precision}};
}

}  // namespace

json evaluation_section(const json& record, const std::string& file, const GalleryOptions& gallery) {
  const eval::EvalSet set = eval::eval_set_from_record(record, file);
  json metrics = record.at("metrics");
  json curves = json::object();
  if (metrics.contains("pr_curves")) {
    for (auto it = metrics["pr_curves"].begin(); it != metrics["pr_curves"].end(); ++it) curves[it.key()] = thin_curve(it.value());
    metrics.erase("pr_curves");
  }
  json thresholds = json::array();
  double initial = -1;  // the recorded threshold nearest the gallery's
  for (double t : eval::confusion_thresholds())
    if (record.at("confusion_matrices").contains(eval::confusion_matrix_name(t))) {
      thresholds.push_back(t);
      if (initial < 0 || std::fabs(t - gallery.score_threshold) < std::fabs(initial - gallery.score_threshold)) initial = t;
    }
  if (thresholds.empty()) throw DataError(Location{file, 0, "", "confusion_matrices"}, "the evaluation record has no confusion matrix");
  return {{"file", file},
          {"epoch", record.value("epoch", json(nullptr))},
          {"metrics", std::move(metrics)},
          {"pr_curves", std::move(curves)},
          {"confusion_thresholds", thresholds},
          {"confusion_matrices", record.at("confusion_matrices")},
          {"initial_threshold", initial},
          {"gallery_threshold", gallery.score_threshold},
          {"gallery", gallery_json(set, gallery)}};
}

}  // namespace autodet::report
