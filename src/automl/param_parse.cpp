// set_param(): one hyperparameter from text, checked against its row of the parameter table.
#include <cmath>

#include <nlohmann/json.hpp>

#include "core/closest_name.h"
#include "automl/param_table.h"
#include "automl/training_params.h"
#include "core/value_words.h"

namespace autodet {
namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

[[noreturn]] void refuse(const ParamInfo& info, const std::string& text, const Location& where,
                         const std::string& hint = "") {
  throw UsageError(where, "'" + text + "' is not allowed for " + info.name + hint + "; expected " + info.allowed());
}

void note(std::vector<std::string>& warnings, const Location& where, const std::string& message) {
  warnings.push_back(where.str() + ": " + message);
}

template <typename T>
void assign(TrainingParams& p, const ParamInfo& info, const T& value) {
  std::visit(
      [&](auto member) {
        using F = std::decay_t<decltype(p.*member)>;
        if constexpr (std::is_same_v<F, T> || std::is_same_v<F, std::optional<T>>) p.*member = value;
      },
      info.field);
}

std::optional<std::string> enum_word(const ParamInfo& info, const std::string& text) {
  for (const std::string& w : {lower_word(text), camel_to_snake(text)}) {
    for (const auto& c : info.choices)
      if (c == w) return c;
    for (const auto& [from, to] : info.aliases)
      if (from == w) return to;
  }
  return std::nullopt;
}

bool in_range(const ParamInfo& info, double v) {
  if (info.min_open ? v <= info.min : v < info.min) return false;
  if (info.max_open ? v >= info.max : v > info.max) return false;
  return true;
}

int parse_int(const ParamInfo& info, const std::string& text, const Location& where,
              std::vector<std::string>& warnings) {
  const auto v = parse_int_word(text);
  if (!v || !in_range(info, *v)) refuse(info, text, where);
  if (info.name == "image_size" && *v % 32 != 0) {  // YOLO's check_img_size: round up to the grid stride
    const int up = (*v + 31) / 32 * 32;
    note(warnings, where, "image_size " + std::to_string(*v) + " is not a multiple of 32; using " + std::to_string(up));
    return up;
  }
  return *v;
}

double parse_float(const ParamInfo& info, const std::string& text, const Location& where,
                   std::vector<std::string>& warnings) {
  const auto v = parse_float_word(text);
  if (!v) refuse(info, text, where);
  if (info.name == "validation_iou_threshold" && !in_range(info, *v)) {  // R4.2: clamped, not refused
    const double c = std::min(std::max(*v, info.min), info.max);
    note(warnings, where, "validation_iou_threshold " + number_text(*v) + " is outside [0.1, 1]; clamped to " +
                              number_text(c));
    return c;
  }
  if (!in_range(info, *v)) refuse(info, text, where);
  return *v;
}

std::string parse_device(const ParamInfo& info, const std::string& text, const Location& where) {
  const std::string w = lower_word(text);
  if (w == "auto" || w == "cpu" || w == "cuda") return w;
  if (w == "gpu") return "cuda";
  if (w.rfind("cuda:", 0) == 0 && w.size() > 5 && w.find_first_not_of("0123456789", 5) == std::string::npos &&
      parse_int_word(w.substr(5)))
    return "cuda:" + std::to_string(*parse_int_word(w.substr(5)));
  refuse(info, text, where);
}

bool is_unset_word(const ParamInfo& info, const std::string& text) {
  const std::string w = lower_word(text);
  if (w.empty() || w == "null" || w == "~") return true;
  if (w != "none") return false;
  if (info.name == "pretrained_weights") return false;  // "none": start from random weights
  if (info.kind != ParamKind::Enum) return true;
  for (const auto& c : info.choices)
    if (c == "none") return false;  // "none" is a value (learning_rate_scheduler, validation_metric_type)
  return true;
}

void unset(TrainingParams& p, const ParamInfo& info) {
  p.explicitly_set.erase(info.name);
  if (info.name == "model_name") p.model_name = default_params().model_name;
  else copy_param(p, default_params(p.model_name), info);
  if (info.name == "model_name") resolve_defaults(p);
}

}  // namespace

void set_param(TrainingParams& p, const std::string& name, const std::string& raw, const Location& where_in,
               std::vector<std::string>& warnings) {
  Location where = where_in;
  if (where.field.empty()) where.field = name;
  const ParamInfo* info = find_param(name);
  if (!info) throw UsageError(where, "unknown training parameter '" + name + "'" + suggest_param(name));
  const std::string text = trim(raw);
  if (is_unset_word(*info, text)) return unset(p, *info);

  switch (info->kind) {
    case ParamKind::Int: assign(p, *info, parse_int(*info, text, where, warnings)); break;
    case ParamKind::Float: assign(p, *info, parse_float(*info, text, where, warnings)); break;
    case ParamKind::Bool: {
      const auto b = parse_bool_word(text);
      if (!b) refuse(*info, text, where);
      assign(p, *info, *b);
      break;
    }
    case ParamKind::Switch: {
      const std::string w = lower_word(text);
      std::optional<bool> b = w == "enable" ? std::optional<bool>(true)
                              : w == "disable" ? std::optional<bool>(false)
                                               : parse_bool_word(text);
      if (!b) refuse(*info, text, where);
      assign(p, *info, *b);
      break;
    }
    case ParamKind::Enum: {
      const auto w = enum_word(*info, text);
      if (!w) refuse(*info, text, where, did_you_mean(lower_word(text), info->choices));
      assign(p, *info, *w);
      break;
    }
    case ParamKind::Text:
      for (unsigned char c : text)
        if (c < 0x20) refuse(*info, text, where);
      assign(p, *info, text);
      break;
    case ParamKind::Grid: {
      const auto g = parse_tile_grid(text);
      if (!g) refuse(*info, text, where);
      assign(p, *info, *g);
      break;
    }
    case ParamKind::Device: assign(p, *info, parse_device(*info, text, where)); break;
    case ParamKind::Json: assign(p, *info, parse_advanced_settings(text, where)); break;
  }
  p.explicitly_set.insert(info->name);
  if (info->name == "model_name") resolve_defaults(p);  // defaults follow the model unless given
}

void set_param_json(TrainingParams& p, const std::string& name, const nlohmann::json& value, const Location& where,
                    std::vector<std::string>& warnings) {
  std::string text;
  if (value.is_null()) text = "null";
  else if (value.is_string()) text = value.get<std::string>();
  else if (value.is_boolean()) text = value.get<bool>() ? "true" : "false";
  else if (value.is_number_integer() || value.is_number_unsigned()) text = value.dump();
  else if (value.is_number_float()) text = number_text(value.get<double>());
  else if (value.is_array() && value.size() == 2 && value[0].is_number_integer() && value[1].is_number_integer())
    text = "(" + value[0].dump() + ", " + value[1].dump() + ")";  // tile_grid_size as a pair
  else if (value.is_object()) text = value.dump();                 // advanced_settings as an object
  else text = value.dump();
  set_param(p, name, text, where, warnings);
}

}  // namespace autodet
