#include "package/checkpoint_package.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include "core/error.h"
#include "models/pretrained.h"
#include "models/registry.h"
#include "package/inference_settings.h"
#include "package/model_package.h"
#include "package/weight_file.h"

namespace autodet {

std::string write_checkpoint_package(const CheckpointPackageOptions& o) {
  const models::FamilySpec& family = models::family_spec(o.arch);
  std::vector<std::string> labels = o.labels;
  if (labels.empty()) {
    for (const auto& w : family.weights)
      if (w.kind == "coco" && !w.classes.empty()) labels = w.classes;
    if (labels.empty())
      throw UsageError(Location{"", 0, "", "--labels"}, o.arch + " has no published COCO detector: name its classes with --labels");
  }
  models::DetectorConfig c;
  c.num_classes = int(labels.size());
  c.min_size = o.min_size;
  c.max_size = o.max_size;
  c.pretrained = true;  // frozen BatchNorm, as torchvision runs its trained detectors
  c.image_size = (o.min_size + 31) / 32 * 32;
  // Scored at each image's own size, as the checkpoint was in the upstream code.
  c.architecture = {{"preprocess", {{"resize", "native"}}}};
  auto detector = models::build_detector(o.arch, c);
  const std::size_t loaded = models::load_whole_weights(*detector, o.file);
  const nlohmann::json arch = package_architecture(*detector);
  InferenceSettings s;
  s.img_size = c.image_size;
  const bool fcos = o.arch.rfind("fcos", 0) == 0;  // torchvision's FCOS scores sqrt(class x centerness)
  s.box_score_thresh = o.box_score_thresh >= 0 ? o.box_score_thresh : fcos ? 0.2 : 0.05;
  s.nms_iou_thresh = o.nms_iou_thresh >= 0 ? o.nms_iou_thresh : fcos ? 0.6 : 0.5;
  ModelPackage p;
  p.architecture = arch;
  p.labels = labels;
  p.settings = s.to_json();
  p.settings["min_size"] = o.min_size;
  p.settings["max_size"] = o.max_size;
  p.per_label_metrics = nlohmann::json::object();
  p.metrics = {{"source", o.file}, {"trained_by_autodet", false}};
  write_model_package(o.out_dir, p, [&](const std::string& path) {
    save_weights(path, detector->module(), {{"classes", labels}, {"architecture", arch}});
  });
  return fmt::format("{}: {} tensors from {} ({} classes) packaged in {}", o.arch, loaded, o.file, labels.size(), o.out_dir);
}

}  // namespace autodet
