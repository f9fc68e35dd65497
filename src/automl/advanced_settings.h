#pragma once
// `advanced_settings`: the JSON string of training switches Azure passes through (§4.6).
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "core/error.h"

namespace autodet {

struct AdvancedSettings {
  bool apply_automl_train_augmentations = true;  // false: no random crop/expand/affine/flip
  bool apply_mosaic_for_yolo = true;             // false: no YOLO mosaic
  bool stream_image_files = false;               // accepted for Azure compatibility; no effect locally

  bool operator==(const AdvancedSettings& o) const {
    return apply_automl_train_augmentations == o.apply_automl_train_augmentations &&
           apply_mosaic_for_yolo == o.apply_mosaic_for_yolo && stream_image_files == o.stream_image_files;
  }
};

// Parses the JSON text (an object; "" means all defaults). Values are JSON booleans or any
// boolean word of R4.3. Throws UsageError at `where` for bad JSON, unknown keys, bad values.
AdvancedSettings parse_advanced_settings(const std::string& json_text, const Location& where);

nlohmann::json advanced_settings_to_json(const AdvancedSettings& settings);

}  // namespace autodet
