#include "automl/advanced_settings.h"

#include <nlohmann/json.hpp>

#include "core/closest_name.h"
#include "core/value_words.h"

namespace autodet {
namespace {

const std::vector<std::string>& known_keys() {
  static const std::vector<std::string> keys = {"apply_automl_train_augmentations", "apply_mosaic_for_yolo",
                                                "stream_image_files"};
  return keys;
}

bool read_bool(const nlohmann::json& v, const std::string& key, const Location& where) {
  std::optional<bool> b;
  if (v.is_boolean()) b = v.get<bool>();
  else if (v.is_string()) b = parse_bool_word(v.get<std::string>());
  else if (v.is_number_integer() && (v.get<long long>() == 0 || v.get<long long>() == 1)) b = v.get<long long>() == 1;
  if (!b)
    throw UsageError(where, "advanced_settings: " + key + " = " + v.dump() +
                                " is not allowed; expected true or false");
  return *b;
}

}  // namespace

AdvancedSettings parse_advanced_settings(const std::string& json_text, const Location& where) {
  AdvancedSettings s;
  if (json_text.find_first_not_of(" \t\r\n") == std::string::npos) return s;
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(json_text);
  } catch (const nlohmann::json::exception& e) {  // syntax, or a number too large for a double
    throw UsageError(where, "advanced_settings is not valid JSON (" + std::string(e.what()) +
                                "); expected a JSON object such as {\"apply_mosaic_for_yolo\": false}");
  }
  if (j.is_null()) return s;
  if (!j.is_object())
    throw UsageError(where, "advanced_settings must be a JSON object such as {\"apply_mosaic_for_yolo\": false}, got " +
                                j.dump());
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& k = it.key();
    if (k == "apply_automl_train_augmentations") s.apply_automl_train_augmentations = read_bool(*it, k, where);
    else if (k == "apply_mosaic_for_yolo") s.apply_mosaic_for_yolo = read_bool(*it, k, where);
    else if (k == "stream_image_files") s.stream_image_files = read_bool(*it, k, where);
    else
      throw UsageError(where, "advanced_settings: unknown key '" + k + "'" + did_you_mean(k, known_keys()) +
                                  "; allowed: apply_automl_train_augmentations, apply_mosaic_for_yolo, stream_image_files");
  }
  return s;
}

nlohmann::json advanced_settings_to_json(const AdvancedSettings& s) {
  return {{"apply_automl_train_augmentations", s.apply_automl_train_augmentations},
          {"apply_mosaic_for_yolo", s.apply_mosaic_for_yolo},
          {"stream_image_files", s.stream_image_files}};
}

}  // namespace autodet
