#pragma once
// The table of every hyperparameter (§4.1-§4.4 plus autodet's extras): its three names (job /
// runtime argument / inference settings key), kind, range or allowed words, which models it
// applies to, and the TrainingParams field it lives in. Parsing, defaults, JSON and docs use it.
#include <limits>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "automl/training_params.h"

namespace autodet {

// How a value is written and checked.
enum class ParamKind {
  Int,       // integer in [min, max]
  Float,     // number in [min, max] (min_open / max_open make an end open)
  Bool,      // any boolean word of R4.3
  Enum,      // one of `choices` (case-insensitive, PascalCase accepted, plus `aliases`)
  Switch,    // enable | disable (log_training_metrics, log_validation_loss); booleans accepted
  Text,      // free text (checkpoint_run_id)
  Grid,      // tile_grid_size "WxH"
  Device,    // auto | cpu | cuda | cuda:N
  Json,      // advanced_settings: a JSON object given as a string
};

// Which models a parameter means something for (others: accepted with a warning).
enum class ParamScope { Any, RcnnOnly, YoloOnly, SingleStage };

// Where the value lives in TrainingParams.
using ParamField =
    std::variant<int TrainingParams::*, double TrainingParams::*, bool TrainingParams::*,
                 std::string TrainingParams::*, std::optional<int> TrainingParams::*,
                 std::optional<std::string> TrainingParams::*, std::optional<TileGrid> TrainingParams::*,
                 AdvancedSettings TrainingParams::*>;

// One row of the table.
struct ParamInfo {
  std::string name;           // job-level (YAML / SDK) name
  std::string runtime_name;   // Azure training-runtime argument, without "--"
  std::string inference_key;  // settings.json / model_settings key; "" when not an inference setting
  ParamKind kind = ParamKind::Int;
  ParamScope scope = ParamScope::Any;
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool min_open = false, max_open = false;
  std::vector<std::string> choices;                            // Enum: canonical words
  std::vector<std::pair<std::string, std::string>> aliases;    // Enum: extra word -> canonical
  bool optional = false;  // may be unset (no default value)
  bool extra = false;     // an autodet extension, not an Azure parameter
  std::string help;       // one line for messages and docs
  ParamField field;

  std::string allowed() const;  // "an integer >= 1", "a number in [0, 1)", "one of: sgd, adam, adamw"
};

// Every parameter in documentation order (model_name first).
const std::vector<ParamInfo>& param_table();
// The row for a job-level name, or nullptr.
const ParamInfo* find_param(const std::string& name);
// Job-level names, for suggestions.
const std::vector<std::string>& param_names();
// " (did you mean `x`?)" for an unknown name; knows runtime and inference names and common
// short forms (lr, epochs, batch_size, img_size, seed, ...).
std::string suggest_param(const std::string& unknown);

// The value of one parameter as JSON (see params_to_json).
nlohmann::json param_value_json(const TrainingParams& params, const ParamInfo& info);
// Copies one parameter's value from `from` to `to`.
void copy_param(TrainingParams& to, const TrainingParams& from, const ParamInfo& info);
// Whether a parameter means something for a model family.
bool param_applies(const ParamInfo& info, ModelFamily family);

}  // namespace autodet
