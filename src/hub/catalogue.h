#pragma once
// The published weights autodet knows, one named entry per WeightSource of every registered
// family ("fastestdet-coco", "fastestdet-imagenet", "yolov5-nano-coco", ...): what `autodet
// weights pull NAME` downloads and what `pretrained_weights: auto` looks for.
#include <string>
#include <vector>

#include "models/family.h"

namespace autodet::hub {

struct CatalogueEntry {
  std::string name;      // family[-size]-kind
  std::string family;    // model_name
  models::WeightSource source;
};

// Every registered family's published weights, by family then in the family's order of preference.
std::vector<CatalogueEntry> catalogue();
// The entry called `name`; UsageError listing the names when there is none.
CatalogueEntry catalogue_entry(const std::string& name);
// The entry for a family's source (the name the cache and the messages use).
std::string catalogue_name(const std::string& family, const models::WeightSource& source);

}  // namespace autodet::hub
