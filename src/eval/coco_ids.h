#pragma once
// How the image_id and category_id of COCO results map onto an EvalSet's images and classes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>

#include "eval/eval_set.h"

namespace autodet::eval {

struct CocoIdMap {
  std::unordered_map<std::int64_t, std::size_t> images;  // image_id -> index into EvalSet::images
  std::unordered_map<std::int64_t, int> categories;      // category_id -> class index
};

// For datasets that are not a COCO file: image ids 1..N in dataset order, category ids
// 1..K in sorted class order (what `data convert --to coco` writes).
CocoIdMap default_coco_ids(const EvalSet& set);

// For a dataset read from the COCO file coco_json: its images[].id (matched to the set's
// images by file_name) and categories[].id (matched by name). Also sets EvalImage::id to the
// COCO id, so that ties are broken in pycocotools' order. Images of the file the data layer
// dropped are left out of the map.
CocoIdMap coco_ids_from_file(const std::string& coco_json, EvalSet& set);
CocoIdMap coco_ids_from_text(const std::string& text, const std::string& file_label, EvalSet& set);

}  // namespace autodet::eval
