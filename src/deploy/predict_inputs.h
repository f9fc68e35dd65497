#pragma once
// What `autodet predict` runs on: image files, folders of images (searched recursively) and
// datasets in any format data/load.h reads, expanded into one entry per image.
#include <string>
#include <vector>

#include "data/load.h"

namespace autodet {

struct PredictInput {
  std::string filename;   // written as "filename": the dataset's image URL, or the path as found
  std::string path;       // the local file to decode
  std::string draw_name;  // relative path of its picture under --draw DIR (unique)
};

struct PredictInputs {
  std::vector<PredictInput> images;
  std::vector<std::string> problems;  // images of a dataset that cannot be read, one line each
};

// Expands args in order. format applies to dataset arguments (Auto: detected; a folder that is
// no dataset is read as a folder of images). Throws UsageError for an argument that does not
// exist, a folder without images, or a dataset that cannot be read at all.
PredictInputs collect_predict_inputs(const std::vector<std::string>& args, DataFormat format, const ReadOptions& read);

}  // namespace autodet
