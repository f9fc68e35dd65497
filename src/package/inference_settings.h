#pragma once
// Inference settings of a model package (settings.json, spec §7.3), overridable per call
// (`autodet predict --set key=value`, a scoring request's "model_settings"). The older names
// box_nms_thresh / box_iou_thresh (and the job-level names such as box_score_threshold) are
// accepted as aliases of the current keys.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/tile_grid.h"
#include "package/test_time_augmentation.h"

namespace autodet {

struct InferenceSettings {
  int img_size = 640;                  // letterbox size, a multiple of 32
  double box_score_thresh = 0.1;       // keep detections scoring above this
  double nms_iou_thresh = 0.5;         // per-class NMS IoU
  int box_detections_per_img = 100;    // at most this many detections per image
  std::optional<TileGrid> tile_grid;   // tile_grid_size; unset: no tiling (§8.2)
  double tile_overlap_ratio = 0.25;    // overlap of neighbouring tiles, [0, 1)
  double tile_predictions_nms_thresh = 0.25;  // IoU merging boxes of different tiles
  std::string model_size;              // fixed by the weights; informational
  // Extra passes mirrored and at other sizes, fused with the plain one (package/test_time_augmentation.h).
  TestTimeAugmentation test_time_augmentation = TestTimeAugmentation::none;

  bool operator==(const InferenceSettings& o) const;
  bool operator!=(const InferenceSettings& o) const { return !(*this == o); }
  // The settings under their §7.3 names (tile_grid_size "3x2" or null).
  nlohmann::json to_json() const;
};

// What overrides may ask for at most (the cost of one call grows with both).
struct SettingsLimits {
  int max_img_size = 8192;
  int max_tiles = 64;  // tiles across x down
};

// Returns base with the keys of `values` (a JSON object) applied. Values may be JSON numbers or
// numeric strings ("0.3", as `--set` gives them). strict: an unknown key is an error (overrides);
// otherwise it is skipped (settings.json may hold keys of other model families). Throws UsageError
// naming the key for an unknown key (strict), a bad or out-of-range value, a key given twice
// through an alias, or a model_size different from the package's.
InferenceSettings apply_settings(const InferenceSettings& base, const nlohmann::json& values,
                                 const SettingsLimits& limits, bool strict);

// "key=value" strings (`--set`) as a JSON object; the value is JSON when it parses as JSON,
// otherwise the text itself. Throws UsageError for an entry without '='.
nlohmann::json parse_key_values(const std::vector<std::string>& entries);

// Every key apply_settings understands, current names first, then aliases.
std::vector<std::string> known_setting_keys();

}  // namespace autodet
