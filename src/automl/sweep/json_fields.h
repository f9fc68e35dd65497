#pragma once
// Readers of single fields of the job's JSON (internal to sweep/): each returns the typed value
// or throws a UsageError naming the key, the value and what is allowed.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "automl/sweep/locator.h"

namespace autodet::sweep {

// A number (or the text of one), as written in YAML; "true" is not a number.
bool json_is_number(const nlohmann::json& value);
double json_number(const nlohmann::json& value, const std::string& key, const Locator& at);
// The text of a scalar value as the job wrote it ("0.01", "true", "yolov5").
std::string json_text(const nlohmann::json& value);
// An integer in [lo, hi].
int json_int_in(const nlohmann::json& value, const std::string& key, const Locator& at, int lo, int hi);
// A number in [lo, hi] (an end is open when the flag says so).
double json_number_in(const nlohmann::json& value, const std::string& key, const Locator& at, double lo, double hi,
                      bool lo_open, bool hi_open);
// A boolean word (R4.3).
bool json_bool(const nlohmann::json& value, const std::string& key, const Locator& at);
// One of `allowed`, case-insensitive and PascalCase accepted.
std::string json_word(const nlohmann::json& value, const std::string& key, const Locator& at,
                      const std::vector<std::string>& allowed);
// `value` is a mapping whose keys are all in `known`.
void json_check_keys(const nlohmann::json& value, const std::string& key, const Locator& at,
                     const std::vector<std::string>& known);

}  // namespace autodet::sweep
