#include "models/detector.h"

namespace autodet::models {

std::string resize_name(Preprocess::Resize resize) {
  switch (resize) {
    case Preprocess::Resize::stretch: return "stretch";
    case Preprocess::Resize::native: return "native";
    default: return "letterbox";
  }
}

nlohmann::json Preprocess::to_json() const {
  return nlohmann::json{{"resize", resize_name(resize)}, {"image_size", image_size}, {"size_multiple", size_multiple},
                        {"mosaic", mosaic},             {"mean", mean},             {"std", std},
                        {"channel_order", channel_order}};
}

}  // namespace autodet::models
