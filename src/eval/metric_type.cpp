#include "eval/metric_type.h"

#include <algorithm>
#include <cctype>

#include "core/error.h"
#include "eval/coco_metric.h"
#include "eval/voc_metric.h"

namespace autodet::eval {

MetricType parse_metric_type(const std::string& name) {
  std::string s = name;
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  if (s == "none") return MetricType::None;
  if (s == "voc") return MetricType::Voc;
  if (s == "coco") return MetricType::Coco;
  if (s == "coco_voc") return MetricType::CocoVoc;
  throw UsageError(Location{"", 0, "", "validation_metric_type"},
                   "unknown metric type '" + name + "' (expected none, voc, coco or coco_voc)");
}

std::string metric_type_name(MetricType type) {
  switch (type) {
    case MetricType::None: return "none";
    case MetricType::Voc: return "voc";
    case MetricType::Coco: return "coco";
    case MetricType::CocoVoc: return "coco_voc";
  }
  return "none";
}

bool uses_voc(MetricType type) { return type == MetricType::Voc || type == MetricType::CocoVoc; }
bool uses_coco(MetricType type) { return type == MetricType::Coco || type == MetricType::CocoVoc; }

std::optional<double> primary_metric(MetricType type, const VocResult* voc, const CocoResult* coco) {
  if (uses_voc(type) && voc) return voc->mean_average_precision;
  if (type == MetricType::Coco && coco) return coco->stats[1];
  return std::nullopt;
}

}  // namespace autodet::eval
