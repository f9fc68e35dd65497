#include "automl/start_weights.h"

#include <cstdlib>

#include "core/error.h"
#include "core/fs.h"
#include "hub/catalogue.h"
#include "hub/weights_cache.h"
#include "models/registry.h"
#include "package/weight_file.h"

namespace autodet {
namespace {

bool is_autodet_weight_file(const std::string& path) {
  try {
    read_checkpoint_meta(path);
    return true;
  } catch (const Error&) {
    return false;
  }
}

// A user's file: autodet's own weights continue training; anything else is read as PyTorch's.
StartChoice from_file(const std::string& path, const std::string& field) {
  if (!fs_exists(path))
    throw DataError(Location{path, 0, "", "training_parameters." + field}, "the weight file does not exist");
  StartChoice c;
  if (is_autodet_weight_file(path)) {
    c.init_weights = path;
    c.note = "starting from the autodet weights in " + path;
  } else {
    c.start = models::StartWeights{path, "file", "", true};
    c.note = "starting from the weights in " + path;
  }
  return c;
}

std::string how_to_provide(const std::string& family, const models::WeightSource& w) {
  return "run `autodet weights pull " + hub::catalogue_name(family, w) + "`" + (w.url.empty() ? "" : " (it downloads " + w.url + ")") +
         ", or `autodet weights import FILE` with a copy of it (the folder is " + hub::weights_folder() +
         ", $AUTODET_WEIGHTS moves it), or set pretrained_weights: none to train from random weights";
}

// Whether a published file is the family's weights of the kind wanted ("auto": any) for model_size.
bool source_fits(const models::FamilySpec& family, const models::WeightSource& w, const std::string& want,
                 const std::string& model_size) {
  if (want != "auto" && w.kind != want) return false;
  return family.sizes.empty() || w.model_size.empty() || w.model_size == model_size;
}

}  // namespace

StartChoice choose_start_weights(const TrainingParams& p) {
  if (p.checkpoint_filename) return from_file(*p.checkpoint_filename, "checkpoint_filename");
  const std::string& want = p.pretrained_weights;
  StartChoice none;
  if (want == "none") {
    none.note = "pretrained_weights: none: training starts from random weights";
    return none;
  }
  if (want != "auto" && want != "coco" && want != "imagenet") return from_file(want, "pretrained_weights");

  const models::FamilySpec& family = models::family_spec(p.model_name);
  const bool sized = !family.sizes.empty();
  const models::WeightSource* missing = nullptr;
  for (const models::WeightSource& w : family.weights) {
    if (!source_fits(family, w, want, p.model_size)) continue;
    const std::string path = hub::WeightsCache().path_of(w);
    if (!fs_exists(path)) {
      if (!missing) missing = &w;
      continue;
    }
    StartChoice c;
    c.start = models::StartWeights{path, w.kind, w.prefix, w.kind == "coco"};
    c.note = "starting from " + w.kind + "-pretrained weights " + path;
    return c;
  }
  if (missing)
    throw DataError(Location{hub::WeightsCache().path_of(*missing), 0, "", "training_parameters.pretrained_weights"},
                    "pretrained weights for " + p.model_name + (sized ? " " + p.model_size : "") +
                        " not found: " + how_to_provide(p.model_name, *missing));
  if (want != "auto")
    throw UsageError(Location{"", 0, "", "training_parameters.pretrained_weights"},
                     p.model_name + (sized ? " " + p.model_size : "") + " has no published " + want + " weights");
  none.note = p.model_name + (sized ? " " + p.model_size : "") + " has no published weights here: training starts from random weights";
  return none;
}

bool published_weights_cached(const std::string& family_name, const std::string& model_size, const std::string& kind) {
  if (!models::is_registered_detector(family_name)) return false;
  const models::FamilySpec& family = models::family_spec(family_name);
  for (const models::WeightSource& w : family.weights) {
    if (!source_fits(family, w, kind, model_size)) continue;
    if (fs_exists(hub::WeightsCache().path_of(w))) return true;
  }
  return false;
}

}  // namespace autodet
