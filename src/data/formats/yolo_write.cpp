// YOLO (Ultralytics) writer: data.yaml and labels/<split>/<stem>.txt beside images/<split>/.
#include <map>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "core/error.h"
#include "core/fs.h"
#include "data/formats/write_util.h"
#include "data/formats/yolo.h"

namespace autodet {

std::string yolo_split_folder(const std::string& split) { return split == "validation" ? "val" : split; }

std::size_t write_yolo(const SplitDataset& sd, const std::string& dir) {
  const std::vector<std::string> classes = sd.classes();
  std::map<std::string, std::size_t> index;
  for (std::size_t k = 0; k < classes.size(); ++k) index[classes[k]] = k;
  std::size_t crowd = 0;
  YAML::Emitter y;
  y << YAML::BeginMap;
  for (const auto& split : sd.names()) {
    const std::string folder = yolo_split_folder(split);
    if (folder != "train" && folder != "val" && folder != "test")
      throw UsageError("split '" + split + "': a YOLO data.yaml holds only train, val and test");
    const std::string images = join_path(dir, "images/" + folder), labels = join_path(dir, "labels/" + folder);
    make_dirs(labels);
    for (const auto& im : sd.splits.at(split).images) {
      if (parent_dir(absolute_path(im.path)) != absolute_path(images))
        throw Error("YOLO export: image '" + im.path + "' is not in " + images);  // the caller places them first
      std::string text;
      for (const auto& b : im.boxes) {
        if (b.crowd) {
          ++crowd;
          continue;
        }
        text += fmt::format("{} {} {} {} {}\n", index.at(b.label), exact_number((b.x0 + b.x1) / 2 / im.width),
                            exact_number((b.y0 + b.y1) / 2 / im.height), exact_number(b.width() / im.width),
                            exact_number(b.height() / im.height));
      }
      write_file_atomic(join_path(labels, stem(im.path) + ".txt"), text);
    }
    y << YAML::Key << folder << YAML::Value << "images/" + folder;
  }
  y << YAML::Key << "nc" << YAML::Value << int(classes.size());
  y << YAML::Key << "names" << YAML::Value << YAML::Flow << classes;
  y << YAML::EndMap;
  write_file_atomic(join_path(dir, "data.yaml"), std::string(y.c_str()) + "\n");
  return crowd;
}

}  // namespace autodet
