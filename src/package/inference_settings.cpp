#include "package/inference_settings.h"

#include <cmath>
#include <map>

#include <fmt/format.h>

#include "core/closest_name.h"
#include "core/value_words.h"
#include "core/error.h"
#include "models/yolo/yolov5.h"

namespace autodet {
namespace {

using nlohmann::json;

// Current names (§7.3) and the aliases each accepts.
const std::vector<std::pair<std::string, std::vector<std::string>>>& key_table() {
  static const std::vector<std::pair<std::string, std::vector<std::string>>> t{
      {"img_size", {"image_size"}},
      {"box_score_thresh", {"box_score_threshold"}},
      {"nms_iou_thresh", {"box_nms_thresh", "box_iou_thresh", "nms_iou_threshold"}},
      {"box_detections_per_img", {"box_detections_per_image"}},
      {"tile_grid_size", {}},
      {"tile_overlap_ratio", {}},
      {"tile_predictions_nms_thresh", {"tile_predictions_nms_threshold"}},
      {"model_size", {}},
      {"test_time_augmentation", {"tta"}},
  };
  return t;
}

// Keys of other model families that a settings.json may carry; they do not apply to YOLOv5.
bool other_family_key(const std::string& key) { return key == "min_size" || key == "max_size"; }

std::string canonical_key(const std::string& key) {
  for (const auto& [name, aliases] : key_table()) {
    if (key == name) return name;
    for (const auto& a : aliases)
      if (key == a) return name;
  }
  return "";
}

[[noreturn]] void bad(const std::string& key, const std::string& why) {
  throw UsageError(Location{"", 0, "", key}, why);
}

double number(const std::string& key, const json& v) {
  std::optional<double> d;
  if (v.is_number()) d = v.get<double>();
  else if (v.is_string()) d = parse_float_word(v.get<std::string>());
  if (!d || !std::isfinite(*d)) bad(key, "must be a number, not " + v.dump());
  return *d;
}

double in_range(const std::string& key, const json& v, double lo, double hi, bool hi_open) {
  const double d = number(key, v);
  if (d < lo || (hi_open ? d >= hi : d > hi))
    bad(key, fmt::format("must be in [{}, {}{}, not {}", lo, hi, hi_open ? ")" : "]", v.dump()));
  return d;
}

int integer(const std::string& key, const json& v, int lo, int hi) {
  const double d = number(key, v);
  if (d != std::floor(d)) bad(key, "must be an integer, not " + v.dump());
  if (d < lo || d > hi) bad(key, fmt::format("must be an integer from {} to {}, not {}", lo, hi, v.dump()));
  return int(d);
}

std::optional<TileGrid> tile_grid(const json& v, const SettingsLimits& limits) {
  const std::string key = "tile_grid_size";
  if (v.is_null()) return std::nullopt;
  std::optional<TileGrid> g;
  if (v.is_string()) {
    const std::string s = v.get<std::string>();
    if (s.empty() || s == "None" || s == "none" || s == "null") return std::nullopt;
    g = parse_tile_grid(s);
  } else if (v.is_array() && v.size() == 2 && v[0].is_number_integer() && v[1].is_number_integer()) {
    g = parse_tile_grid(std::to_string(v[0].get<long long>()) + "x" + std::to_string(v[1].get<long long>()));
  }
  if (!g) bad(key, "must be two positive integers such as \"3x2\" (not 1x1), or null; got " + v.dump());
  if (g->across * g->down > limits.max_tiles)
    bad(key, fmt::format("{} makes {} tiles, over the limit of {}", g->str(), g->across * g->down, limits.max_tiles));
  return g;
}

void apply_one(InferenceSettings& s, const std::string& key, const json& v, const SettingsLimits& limits) {
  if (key == "img_size") {
    s.img_size = integer(key, v, 32, limits.max_img_size);
    if (s.img_size % 32) bad(key, fmt::format("must be a multiple of 32 (the model's largest stride), not {}", s.img_size));
  } else if (key == "box_score_thresh") {
    s.box_score_thresh = in_range(key, v, 0, 1, false);
  } else if (key == "nms_iou_thresh") {
    s.nms_iou_thresh = in_range(key, v, 0, 1, false);
  } else if (key == "box_detections_per_img") {
    s.box_detections_per_img = integer(key, v, 1, 100000);
  } else if (key == "tile_grid_size") {
    s.tile_grid = tile_grid(v, limits);
  } else if (key == "tile_overlap_ratio") {
    s.tile_overlap_ratio = in_range(key, v, 0, 1, true);
  } else if (key == "tile_predictions_nms_thresh") {
    s.tile_predictions_nms_thresh = in_range(key, v, 0, 1, false);
  } else if (key == "model_size") {
    const std::string size = v.is_string() ? models::canonical_yolov5_size(v.get<std::string>()) : "";
    if (size.empty()) bad(key, "must be a YOLOv5 size name, not " + v.dump());
    if (!s.model_size.empty() && size != s.model_size)
      bad(key, "is fixed by the model's weights (" + s.model_size + "); it cannot be changed at inference");
    s.model_size = size;
  } else if (key == "test_time_augmentation") {
    const auto t = v.is_string() ? parse_test_time_augmentation(v.get<std::string>()) : std::nullopt;
    if (!t) bad(key, "must be none, flip or multi_scale_flip, not " + v.dump());
    s.test_time_augmentation = *t;
  }
}

}  // namespace

bool InferenceSettings::operator==(const InferenceSettings& o) const {
  return img_size == o.img_size && box_score_thresh == o.box_score_thresh && nms_iou_thresh == o.nms_iou_thresh &&
         box_detections_per_img == o.box_detections_per_img && tile_grid == o.tile_grid &&
         tile_overlap_ratio == o.tile_overlap_ratio && tile_predictions_nms_thresh == o.tile_predictions_nms_thresh &&
         model_size == o.model_size && test_time_augmentation == o.test_time_augmentation;
}

json InferenceSettings::to_json() const {
  json j{{"img_size", img_size},
         {"box_score_thresh", box_score_thresh},
         {"nms_iou_thresh", nms_iou_thresh},
         {"box_detections_per_img", box_detections_per_img},
         {"tile_grid_size", tile_grid ? json(tile_grid->str()) : json(nullptr)},
         {"tile_overlap_ratio", tile_overlap_ratio},
         {"tile_predictions_nms_thresh", tile_predictions_nms_thresh},
         {"test_time_augmentation", to_string(test_time_augmentation)}};
  if (!model_size.empty()) j["model_size"] = model_size;
  return j;
}

InferenceSettings apply_settings(const InferenceSettings& base, const json& values, const SettingsLimits& limits,
                                 bool strict) {
  if (values.is_null()) return base;
  if (!values.is_object()) throw UsageError("settings must be a JSON object of key: value, not " + values.dump());
  InferenceSettings s = base;
  std::map<std::string, std::string> given;  // canonical key -> the spelling used
  for (const auto& [key, v] : values.items()) {
    const std::string name = canonical_key(key);
    if (name.empty()) {
      if (!strict || other_family_key(key)) continue;
      bad(key, "unknown inference setting" + did_you_mean(key, known_setting_keys()) + " (known: img_size, "
               "box_score_thresh, nms_iou_thresh, box_detections_per_img, tile_grid_size, tile_overlap_ratio, "
               "tile_predictions_nms_thresh, test_time_augmentation)");
    }
    auto [it, inserted] = given.emplace(name, key);
    if (!inserted) bad(key, "given twice (as '" + it->second + "' and '" + key + "')");
    apply_one(s, name, v, limits);
  }
  return s;
}

json parse_key_values(const std::vector<std::string>& entries) {
  json j = json::object();
  for (const auto& e : entries) {
    const auto eq = e.find('=');
    if (eq == std::string::npos || eq == 0) throw UsageError(Location{"", 0, "", "--set"}, "expected key=value, got '" + e + "'");
    const std::string key = e.substr(0, eq), text = e.substr(eq + 1);
    json v = json::parse(text, nullptr, /*allow_exceptions=*/false);
    j[key] = v.is_discarded() ? json(text) : v;
  }
  return j;
}

std::vector<std::string> known_setting_keys() {
  std::vector<std::string> keys;
  for (const auto& [name, _] : key_table()) keys.push_back(name);
  for (const auto& [_, aliases] : key_table()) keys.insert(keys.end(), aliases.begin(), aliases.end());
  return keys;
}

}  // namespace autodet
