#pragma once
// YOLOv5's exported graph: the network with BatchNorm folded, and the head decoded as Azure's
// exported YOLOv5 outputs it ("output", (B, N, 5 + C): cx, cy, w, h in input pixels, objectness,
// class probabilities), for a square input of `image_size`.
#include <string>
#include <vector>

#include "models/export_graph.h"
#include "models/yolo/yolov5.h"

namespace autodet::models {

std::vector<GraphOutput> export_yolov5(YoloV5Impl& net, GraphBuilder& g, const std::string& input, int image_size);
// NMS candidates from "output": corner boxes, and objectness x class probability kept for each
// box's best class only (Ultralytics' single-label NMS).
GraphCandidates export_yolov5_candidates(GraphBuilder& g, const GraphOutput& output, int num_classes);

}  // namespace autodet::models
