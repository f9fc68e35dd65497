#pragma once
// The metrics' parallel loop is the one in core/parallel.h.
#include "core/parallel.h"

namespace autodet::eval {
using autodet::parallel_for;
}  // namespace autodet::eval
