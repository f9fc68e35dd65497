#pragma once
// FastestDet's exported graph, in the form of upstream's own ONNX export: BatchNorm folded, the
// BGR channel order folded into the first convolution, and one output "output",
// (B, 5 + C, H / 16, W / 16): sigmoid(objectness), the four raw box values, softmax(classes).
#include <string>
#include <vector>

#include "models/export_graph.h"
#include "models/fastestdet/fastestdet_net.h"

namespace autodet::models {

std::vector<GraphOutput> export_fastestdet(FastestDetNetImpl& net, GraphBuilder& g, const std::string& input, int image_size);
// NMS candidates from "output", decoded as fastestdet_decode does: corner boxes and the score
// obj^0.6 x cls^0.4 under each cell's best class (obj alone for one class).
GraphCandidates export_fastestdet_candidates(GraphBuilder& g, const GraphOutput& output, int num_classes, int image_size);

}  // namespace autodet::models
