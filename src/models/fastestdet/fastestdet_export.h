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

}  // namespace autodet::models
