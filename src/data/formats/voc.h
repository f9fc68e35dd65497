#pragma once
// Pascal VOC folders: one XML per image (size, object/name, object/bndbox, object/difficult).
// Layouts: Annotations/ + JPEGImages/ (+ ImageSets/Main/{train,val,test}.txt), annotations/ +
// images/, or XML files beside their images.
#include <string>

#include "core/diagnostics.h"
#include "data/dataset.h"
#include "data/read_options.h"

namespace autodet {

// True when path looks like a VOC folder.
bool is_voc_folder(const std::string& path);

// Reads every annotation; splits from ImageSets/Main when present (train, val -> validation,
// test; trainval when train/val are absent). Otherwise everything is "train".
SplitDataset read_voc(const std::string& path, const ReadOptions& opts, Diagnostics& diag);

// Parses one annotation XML (text in memory). images_dir is where `filename` is looked up.
// Returns false when the annotation is unusable (errors recorded).
bool read_voc_annotation(const std::string& xml, const std::string& file_label, const std::string& images_dir,
                         const ReadOptions& opts, Diagnostics& diag, ImageRecord& out);

// Writes a VOC folder: dir/Annotations/<image stem>.xml per image (size, objects, difficult =
// crowd) and, when sd has a split other than train, dir/ImageSets/Main/{train,val,test}.txt.
// <filename> is relative to dir/JPEGImages when the image lies there, absolute otherwise.
void write_voc(const SplitDataset& sd, const std::string& dir);

}  // namespace autodet
