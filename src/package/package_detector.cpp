#include "package/package_detector.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include "core/error.h"
#include "core/fs.h"
#include "models/registry.h"
#include "package/weight_file.h"

namespace autodet {

std::unique_ptr<models::Detector> load_package_detector(const std::string& dir, const ModelPackage& package) {
  const std::string model_json = join_path(dir, "model.json");
  const auto& arch = package.architecture;
  const std::string name = arch.value("model_name", "yolov5");
  if (!models::is_registered_detector(name))
    throw NotSupportedError(Location{model_json, 0, "", "model_name"}, "this autodet cannot run '" + name + "' models");
  const int num_classes = arch.value("num_classes", int(package.labels.size()));
  if (num_classes != int(package.labels.size()) || num_classes < 1)
    throw DataError(Location{model_json, 0, "", "num_classes"},
                    fmt::format("says {} classes but labels.json lists {}", num_classes, package.labels.size()));
  auto detector = models::build_detector_from(arch, num_classes);
  load_weights(join_path(dir, "model.pt"), detector->module(), torch::kCPU);
  return detector;
}

}  // namespace autodet
