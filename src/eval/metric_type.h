#pragma once
// `validation_metric_type` (none | voc | coco | coco_voc) and which number is the primary
// metric `mean_average_precision` for each (R6.3).
#include <optional>
#include <string>

namespace autodet::eval {

struct VocResult;
struct CocoResult;

enum class MetricType { None, Voc, Coco, CocoVoc };

// Case-insensitive; throws UsageError naming the accepted values.
MetricType parse_metric_type(const std::string& name);
std::string metric_type_name(MetricType type);
bool uses_voc(MetricType type);
bool uses_coco(MetricType type);

// R6.3: voc and coco_voc -> the VOC mean_average_precision; coco -> COCO AP@IoU 0.5
// (stats[1], not AP@[.5:.95]); none -> no value. The matching result must be given.
std::optional<double> primary_metric(MetricType type, const VocResult* voc, const CocoResult* coco);

}  // namespace autodet::eval
