#include "models/detector.h"

#include "core/error.h"

namespace autodet::models {

GraphCandidates Detector::export_candidates(GraphBuilder&, const std::vector<GraphOutput>&) {
  throw NotSupportedError("the " + family() + " family cannot be exported with NMS in the graph");
}

}  // namespace autodet::models
