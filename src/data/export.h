#pragma once
// Writing a dataset in any label format autodet reads (`autodet data export`): COCO JSON, Pascal
// VOC folder, YOLO folder, CSV, Azure JSONL or an MLTable folder. Image files are referenced
// where they are unless the format needs them inside its own folder (YOLO), or they are asked
// to be linked or copied there.
#include <cstddef>
#include <string>

#include "data/dataset.h"
#include "data/load.h"

namespace autodet {

// What happens to the image files.
enum class ImageFiles {
  Default,    // Reference, except Symlink for YOLO
  Reference,  // the labels name the images where they are (relative when inside the output, else absolute)
  Symlink,    // a symbolic link per image in the output's image folder
  Copy,       // a copy per image in the output's image folder
};
ImageFiles parse_image_files(const std::string& word);  // "reference", "symlink", "copy"; UsageError otherwise

struct ExportOptions {
  DataFormat format = DataFormat::Coco;  // Coco, Voc, Yolo, Csv, Jsonl or MLTable
  ImageFiles images = ImageFiles::Default;
  std::string split;  // "": every split (merged for the one-file formats COCO, CSV, JSONL, MLTable)
};

struct ExportResult {
  std::size_t images = 0;
  std::size_t boxes = 0;           // boxes written
  std::size_t crowd_dropped = 0;   // crowd boxes a format without a crowd flag (YOLO) left out
  bool splits_merged = false;      // several splits went into one file
  std::string image_folder;        // where images were linked or copied ("" when referenced)
};

// Writes sd to out: a file for COCO (.json), CSV and JSONL, a folder for VOC, YOLO and MLTable.
// Every image needs a local path and a known size (DataError naming the image otherwise).
ExportResult export_dataset(SplitDataset sd, const std::string& out, const ExportOptions& options);

}  // namespace autodet
