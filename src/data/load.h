#pragma once
// One entry point that reads any dataset form autodet knows, detecting the format
// from the path when asked to.
#include <string>

#include "core/diagnostics.h"
#include "data/dataset.h"
#include "data/read_options.h"

namespace autodet {

enum class DataFormat {
  Auto,     // detect from the path
  Jsonl,    // Azure JSONL file
  MLTable,  // folder with an MLTable file (or the MLTable file itself)
  Coco,     // COCO JSON file
  Voc,      // Pascal VOC folder (Annotations/ + JPEGImages/, or annotations/ + images/)
  Yolo,     // YOLO folder with data.yaml (or the data.yaml itself)
  Csv,      // filename,width,height,class,xmin,ymin,xmax,ymax
  Splits,   // a folder of split folders (train/, validation/, test/) as `data import` writes
};

DataFormat parse_format(const std::string& name);  // "coco", "voc", ...; throws UsageError
std::string format_name(DataFormat f);
// Detects the format of path; throws UsageError with a hint when it cannot tell.
DataFormat detect_format(const std::string& path);

// Reads path. Problems in the data are added to diag (and the offending box or image is
// dropped as documented in docs/data.md); problems that stop reading altogether (a file that
// does not exist, an unsupported MLTable transformation) are thrown as Error.
SplitDataset load_dataset(const std::string& path, DataFormat format, const ReadOptions& opts, Diagnostics& diag);

}  // namespace autodet
