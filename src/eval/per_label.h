#pragma once
// The `per_label_metrics` table (spec §6.4) and the per_label_metrics.json history (R6.4).
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace autodet::eval {

struct VocResult;

// One row of the per_label_metrics table.
struct PerLabelRow {
  std::string class_name;
  double precision = -1;
  double recall = -1;
  double average_precision = -1;
};

std::vector<PerLabelRow> per_label_metrics(const VocResult& voc);
// [{"class_name": ..., "precision": ..., "recall": ..., "average_precision": ...}, ...]
nlohmann::json per_label_metrics_json(const std::vector<PerLabelRow>& rows);

// Collects one VOC result per evaluation (epoch) for train_artifacts/per_label_metrics.json:
// {<class>: {"precision": [...], "recall": [...], "average_precision": [...]}}.
class PerLabelHistory {
 public:
  void add(const VocResult& voc);
  nlohmann::json to_json() const;

 private:
  std::vector<std::vector<PerLabelRow>> evaluations_;
};

}  // namespace autodet::eval
