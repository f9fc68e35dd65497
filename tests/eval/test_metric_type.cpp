// validation_metric_type parsing and the primary metric rule (R6.3).
#include <gtest/gtest.h>

#include "core/error.h"
#include "eval/coco_metric.h"
#include "eval/metric_type.h"
#include "eval/voc_metric.h"

namespace autodet::eval {
namespace {

TEST(EvalMetricType, ParsesCaseInsensitively) {
  EXPECT_EQ(parse_metric_type("voc"), MetricType::Voc);
  EXPECT_EQ(parse_metric_type("COCO"), MetricType::Coco);
  EXPECT_EQ(parse_metric_type("coco_voc"), MetricType::CocoVoc);
  EXPECT_EQ(parse_metric_type("None"), MetricType::None);
  EXPECT_THROW(parse_metric_type("map"), UsageError);
  EXPECT_EQ(metric_type_name(MetricType::CocoVoc), "coco_voc");
}

TEST(EvalMetricType, PrimaryMetricRule) {
  VocResult voc;
  voc.mean_average_precision = 0.8;
  CocoResult coco;
  coco.stats.fill(0.1);
  coco.stats[0] = 0.4;  // AP@[.5:.95]
  coco.stats[1] = 0.7;  // AP@.5
  EXPECT_EQ(primary_metric(MetricType::Voc, &voc, nullptr), 0.8);
  EXPECT_EQ(primary_metric(MetricType::CocoVoc, &voc, &coco), 0.8);
  EXPECT_EQ(primary_metric(MetricType::Coco, nullptr, &coco), 0.7);  // AP50, not AP
  EXPECT_FALSE(primary_metric(MetricType::None, &voc, &coco).has_value());
}

}  // namespace
}  // namespace autodet::eval
