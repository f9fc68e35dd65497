#include "models/detector.h"

#include "core/error.h"

namespace autodet::models {

Preprocess::Resize parse_resize(const std::string& word) {
  if (word == "letterbox") return Preprocess::Resize::letterbox;
  if (word == "stretch") return Preprocess::Resize::stretch;
  throw UsageError(Location{"", 0, "", "preprocess.resize"}, "unknown resize '" + word + "' (letterbox or stretch)");
}

std::string resize_name(Preprocess::Resize resize) {
  return resize == Preprocess::Resize::stretch ? "stretch" : "letterbox";
}

nlohmann::json Preprocess::to_json() const {
  return nlohmann::json{{"resize", resize_name(resize)}, {"image_size", image_size}, {"size_multiple", size_multiple},
                        {"mosaic", mosaic},             {"mean", mean},             {"std", std}};
}

Preprocess Preprocess::from_json(const nlohmann::json& j, const Preprocess& d) {
  Preprocess p = d;
  if (!j.is_object()) return p;
  if (j.contains("resize")) p.resize = parse_resize(j.at("resize").get<std::string>());
  p.image_size = j.value("image_size", d.image_size);
  p.size_multiple = j.value("size_multiple", d.size_multiple);
  p.mosaic = j.value("mosaic", d.mosaic);
  p.mean = j.value("mean", d.mean);
  p.std = j.value("std", d.std);
  if (p.mean.size() != 3 || p.std.size() != 3)
    throw DataError(Location{"", 0, "", "preprocess"}, "mean and std need one value per RGB channel");
  return p;
}

}  // namespace autodet::models
