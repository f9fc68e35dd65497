#include "eval/per_label.h"

#include <nlohmann/json.hpp>

#include "eval/voc_metric.h"

namespace autodet::eval {

std::vector<PerLabelRow> per_label_metrics(const VocResult& voc) {
  std::vector<PerLabelRow> rows;
  rows.reserve(voc.per_class.size());
  for (const auto& c : voc.per_class) rows.push_back({c.name, c.precision, c.recall, c.average_precision});
  return rows;
}

nlohmann::json per_label_metrics_json(const std::vector<PerLabelRow>& rows) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : rows)
    out.push_back({{"class_name", r.class_name},
                   {"precision", r.precision},
                   {"recall", r.recall},
                   {"average_precision", r.average_precision}});
  return out;
}

void PerLabelHistory::add(const VocResult& voc) { evaluations_.push_back(per_label_metrics(voc)); }

nlohmann::json PerLabelHistory::to_json() const {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& rows : evaluations_)
    for (const auto& r : rows) {
      auto& c = out[r.class_name];
      c["precision"].push_back(r.precision);
      c["recall"].push_back(r.recall);
      c["average_precision"].push_back(r.average_precision);
    }
  return out;
}

}  // namespace autodet::eval
