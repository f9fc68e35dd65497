#pragma once
// The in-memory detection dataset every reader produces and every writer, validator,
// trainer and evaluator consumes. Boxes are in pixels of the image as stored on disk.
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace autodet {

// One labelled box: pixel corners (x0,y0) top-left, (x1,y1) bottom-right, no +1 convention.
struct Box {
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  std::string label;
  bool crowd = false;  // Azure isCrowd / COCO iscrowd / VOC difficult: ignored by metrics

  double width() const { return x1 - x0; }
  double height() const { return y1 - y0; }
  double area() const { return width() * height(); }
};

// Where a record came from, so later problems can name the line or element.
struct SourceRef {
  std::string file;
  long line = 0;         // line in a JSONL/CSV/YOLO file, 0 otherwise
  std::string element;   // e.g. "images[3]" for COCO
};

// One image and its boxes.
struct ImageRecord {
  std::string url;     // as written in the source (relative, absolute, file://, ...)
  std::string path;    // resolved local path ("" when it could not be resolved)
  int width = 0;       // pixels; 0 when unknown
  int height = 0;
  std::string format;  // "jpg", "png", ... (lower case)
  std::vector<Box> boxes;
  SourceRef source;
  // A part of the file's image: only pixels [x0, x1) x [y0, y1) are this record's image, and
  // width, height and boxes are the part's (a tile used as a training sample, spec R8.6).
  struct Crop {
    int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  };
  std::optional<Crop> crop;
};

// A list of images; the class list is derived from the boxes' labels.
struct Dataset {
  std::vector<ImageRecord> images;
  // Extra class names known without boxes (e.g. COCO categories or a YOLO names list).
  std::vector<std::string> declared_classes;

  // Sorted (byte order), unique class names of boxes and declared classes (R1.10).
  std::vector<std::string> classes() const;
  std::size_t box_count() const;
  // Sort images by URL for a deterministic order (R1.11).
  void sort_by_url();
};

// The standard split names, in their canonical order.
inline const std::vector<std::string>& split_names() {
  static const std::vector<std::string> names{"train", "validation", "test"};
  return names;
}

// A dataset divided into named splits ("train", "validation", "test"); a source with no
// split information has a single "train" split.
struct SplitDataset {
  std::map<std::string, Dataset> splits;

  // All splits' images in canonical split order.
  Dataset merged() const;
  std::vector<std::string> classes() const;
  std::size_t image_count() const;
  std::size_t box_count() const;
  // Present split names in canonical order (train, validation, test, then others by name).
  std::vector<std::string> names() const;
};

// Class list with the R-CNN background entry "--bg--" at index 0 (R1.10).
std::vector<std::string> classes_with_background(const std::vector<std::string>& classes);

}  // namespace autodet
