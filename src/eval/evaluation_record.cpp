#include "eval/evaluation_record.h"

#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/fs.h"

namespace autodet::eval {
namespace {

using nlohmann::json;

constexpr const char* kSchema = "autodet.evaluation";

json image_json(const EvalImage& im) {
  json objects = json::array(), predictions = json::array();
  for (const GtBox& g : im.gts) objects.push_back({g.box.x, g.box.y, g.box.w, g.box.h, g.cls, g.crowd ? 1 : 0});
  for (const Detection& d : im.dets) predictions.push_back({d.box.x, d.box.y, d.box.w, d.box.h, d.cls, d.score});
  return {{"id", im.id}, {"url", im.url}, {"path", im.path}, {"width", im.width}, {"height", im.height},
          {"objects", std::move(objects)}, {"predictions", std::move(predictions)}};
}

// A box row [x, y, w, h, class, last] with a class index below `classes`.
XYWH box_of(const json& row, std::size_t classes, const Location& where) {
  if (!row.is_array() || row.size() != 6) throw DataError(where, "expected [x, y, w, h, class, value]");
  for (const auto& v : row)
    if (!v.is_number()) throw DataError(where, "expected numbers");
  const long cls = row[4].get<long>();
  if (cls < 0 || std::size_t(cls) >= classes) throw DataError(where, fmt::format("class index {} outside 0..{}", cls, classes));
  return XYWH{row[0].get<double>(), row[1].get<double>(), row[2].get<double>(), row[3].get<double>()};
}

}  // namespace

std::vector<double> confusion_thresholds() {
  std::vector<double> t;
  for (int k = 1; k <= 19; ++k) t.push_back(k / 20.0);
  return t;
}

std::string confusion_matrix_name(double t) { return fmt::format("confusion_matrix_score_threshold_{:g}", t); }

json evaluation_record(EvalSet set, const EvalReport& report, double iou_threshold) {
  if (report.box_score_threshold) keep_scores_above(set, *report.box_score_threshold);
  json matrices = json::object();
  for (double t : confusion_thresholds())
    matrices[confusion_matrix_name(t)] = confusion_matrix(set, ConfusionOptions{t, iou_threshold}).to_json();
  json images = json::array();
  for (std::size_t i : set.order()) images.push_back(image_json(set.images[i]));
  return {{"schema", kSchema},
          {"version", 1},
          {"metrics", to_json(report, /*pr_curves=*/true)},
          {"confusion_matrices", std::move(matrices)},
          {"classes", set.classes},
          {"images", std::move(images)}};
}

EvalSet eval_set_from_record(const json& record, const std::string& file) {
  if (!record.is_object() || record.value("schema", "") != kSchema)
    throw DataError(Location{file, 0, "", "schema"}, std::string("not an evaluation record (no \"schema\": \"") + kSchema + "\")");
  EvalSet set;
  try {
    set.classes = record.at("classes").get<std::vector<std::string>>();
    const json& images = record.at("images");
    for (std::size_t i = 0; i < images.size(); ++i) {
      const json& j = images[i];
      EvalImage im;
      im.id = j.at("id").get<std::int64_t>();
      im.url = j.value("url", "");
      im.path = j.value("path", "");
      im.width = j.value("width", 0);
      im.height = j.value("height", 0);
      const std::string at = fmt::format("images[{}]", i);
      for (const json& row : j.at("objects"))
        im.gts.push_back(GtBox{box_of(row, set.classes.size(), Location{file, 0, at, "objects"}), row[4].get<int>(),
                               row[5].get<double>() != 0});
      for (const json& row : j.at("predictions"))
        im.dets.push_back(Detection{box_of(row, set.classes.size(), Location{file, 0, at, "predictions"}), row[4].get<int>(),
                                    row[5].get<double>()});
      set.images.push_back(std::move(im));
    }
  } catch (const json::exception& e) {
    throw DataError(Location{file, 0, "", "images"}, std::string("malformed evaluation record: ") + e.what());
  }
  return set;
}

json evaluation_summary(const json& record) {
  json metrics = record.value("metrics", json::object());
  metrics.erase("pr_curves");
  json out = {{"metrics", std::move(metrics)}, {"confusion_matrices", record.value("confusion_matrices", json::object())}};
  if (record.contains("epoch")) out["epoch"] = record["epoch"];
  return out;
}

void write_evaluation_record(const std::string& path, const json& record) { write_file_atomic(path, record.dump()); }

json read_evaluation_record(const std::string& path) {
  json j = json::parse(read_file(path), nullptr, false);
  if (j.is_discarded()) throw DataError(Location{path, 0, "", ""}, "not valid JSON (an evaluation record was expected)");
  if (!j.is_object() || j.value("schema", "") != kSchema)
    throw DataError(Location{path, 0, "", "schema"}, std::string("not an evaluation record (no \"schema\": \"") + kSchema + "\")");
  return j;
}

}  // namespace autodet::eval
