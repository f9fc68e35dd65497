#pragma once
// Job names: the YAML `name:` or a generated one. A name is also a folder under the workspace,
// so it must be safe as one on every filesystem.
#include <string>

#include "core/rng.h"

namespace autodet::store {

constexpr std::size_t kMaxJobNameLength = 100;

// Throws UsageError unless name is 1-100 of [A-Za-z0-9._-] and does not start with '.'.
void validate_job_name(const std::string& name);
// An Azure-style name, "adjective_noun_<8 letters/digits>" (e.g. "brave_river_k3f9x2q1").
std::string generate_job_name(Rng& rng);

}  // namespace autodet::store
