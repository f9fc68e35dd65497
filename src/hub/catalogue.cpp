#include "hub/catalogue.h"

#include "core/error.h"
#include "models/registry.h"

namespace autodet::hub {

std::string catalogue_name(const std::string& family, const models::WeightSource& w) {
  return family + (w.model_size.empty() ? "" : "-" + w.model_size) + "-" + w.kind;
}

std::vector<CatalogueEntry> catalogue() {
  std::vector<CatalogueEntry> out;
  for (const std::string& family : models::registered_detectors())
    for (const models::WeightSource& w : models::family_spec(family).weights)
      out.push_back(CatalogueEntry{catalogue_name(family, w), family, w});
  return out;
}

CatalogueEntry catalogue_entry(const std::string& name) {
  const std::vector<CatalogueEntry> entries = catalogue();
  for (const CatalogueEntry& e : entries)
    if (e.name == name) return e;
  std::string names;
  for (const CatalogueEntry& e : entries) names += (names.empty() ? "" : ", ") + e.name;
  throw UsageError(Location{"", 0, "", "NAME"}, "no published weights called '" + name + "' (known: " + names + ")");
}

}  // namespace autodet::hub
