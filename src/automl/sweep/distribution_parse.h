#pragma once
// Reads one entry of a sub-space (R2.7, R2.8): the mapping {type: uniform, min_value: ..,
// max_value: ..} or the SDK's text "uniform(0.0001, 0.01)", "choice('sgd', 'adam')". Checks the
// law's name, the number and kind of its arguments, and their bounds.
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "automl/sweep/distribution.h"
#include "automl/sweep/locator.h"

namespace autodet::sweep {

// The law of `entry`, or nothing when the entry is a fixed value (any other scalar). A bad law
// throws a UsageError at `key` naming the value and what is allowed.
std::optional<Distribution> parse_distribution(const nlohmann::json& entry, const std::string& key, const Locator& at);

// Whether text has the SDK's form name(arguments...).
bool is_expression_text(const std::string& text);

}  // namespace autodet::sweep
