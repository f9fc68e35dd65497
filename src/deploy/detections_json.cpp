#include "deploy/detections_json.h"

#include <cmath>

namespace autodet {
namespace {

// Six decimals: a millionth of the image side, and short JSON.
double rounded(double v) { return std::round(v * 1e6) / 1e6; }

}  // namespace

nlohmann::ordered_json detections_json(const ImageDetections& dets, const std::vector<std::string>& labels) {
  nlohmann::ordered_json boxes = nlohmann::ordered_json::array();
  for (const auto& d : dets) {
    const std::string label = d.cls >= 0 && std::size_t(d.cls) < labels.size() ? labels[std::size_t(d.cls)] : std::to_string(d.cls);
    nlohmann::ordered_json box;
    box["box"] = {{"topX", rounded(d.x0)}, {"topY", rounded(d.y0)}, {"bottomX", rounded(d.x1)}, {"bottomY", rounded(d.y1)}};
    box["label"] = label;
    box["score"] = rounded(d.score);
    boxes.push_back(std::move(box));
  }
  nlohmann::ordered_json out;
  out["boxes"] = std::move(boxes);
  return out;
}

std::string prediction_line(const std::string& filename, const ImageDetections& dets, const std::vector<std::string>& labels) {
  nlohmann::ordered_json line;
  line["filename"] = filename;
  line["boxes"] = detections_json(dets, labels)["boxes"];
  // Invalid UTF-8 in a file name is replaced rather than failing the whole run.
  return line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace autodet
