#include "eval/coco_ids.h"

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/fs.h"

namespace autodet::eval {

CocoIdMap default_coco_ids(const EvalSet& set) {
  CocoIdMap ids;
  for (std::size_t i = 0; i < set.images.size(); ++i) ids.images.emplace(std::int64_t(i) + 1, i);
  for (std::size_t k = 0; k < set.classes.size(); ++k) ids.categories.emplace(std::int64_t(k) + 1, int(k));
  return ids;
}

CocoIdMap coco_ids_from_file(const std::string& coco_json, EvalSet& set) {
  return coco_ids_from_text(read_file(coco_json), coco_json, set);
}

CocoIdMap coco_ids_from_text(const std::string& text, const std::string& file_label, EvalSet& set) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw DataError(Location{file_label, 0, "", ""}, std::string("invalid JSON: ") + e.what());
  }
  CocoIdMap ids;
  std::unordered_map<std::string, std::size_t> by_url;
  std::vector<char> assigned(set.images.size(), 0);
  for (std::size_t i = 0; i < set.images.size(); ++i) by_url.emplace(set.images[i].url, i);
  const auto& images = j.contains("images") && j["images"].is_array() ? j["images"] : nlohmann::json::array();
  for (std::size_t i = 0; i < images.size(); ++i) {
    const auto& im = images[i];
    if (!im.is_object() || !im.contains("id") || !im["id"].is_number_integer() || !im.contains("file_name") ||
        !im["file_name"].is_string())
      continue;  // the data layer has reported it already
    auto it = by_url.find(im["file_name"].get<std::string>());
    if (it == by_url.end() || assigned[it->second]) continue;  // dropped by the data layer, or a duplicate
    assigned[it->second] = 1;
    const std::int64_t id = im["id"].get<std::int64_t>();
    ids.images.emplace(id, it->second);
    set.images[it->second].id = id;
  }
  const auto& cats = j.contains("categories") && j["categories"].is_array() ? j["categories"] : nlohmann::json::array();
  for (const auto& c : cats) {
    if (!c.is_object() || !c.contains("id") || !c["id"].is_number_integer() || !c.contains("name") || !c["name"].is_string())
      continue;
    const int k = set.class_index(c["name"].get<std::string>());
    if (k >= 0) ids.categories.emplace(c["id"].get<std::int64_t>(), k);
  }
  return ids;
}

}  // namespace autodet::eval
