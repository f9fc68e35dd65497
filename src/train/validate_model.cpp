#include "train/validate_model.h"

#include <chrono>

#include <opencv2/core.hpp>
#include <torch/torch.h>

#include "core/image_io.h"
#include "package/image_detect.h"

namespace autodet {

torch::Tensor batch_images(const Batch& batch, const torch::Device& device) {
  auto cpu = torch::from_blob(const_cast<std::uint8_t*>(batch.images.data()), {batch.size, 3, batch.height, batch.width},
                              torch::kUInt8);
  // Convert on the device: a quarter of the bytes cross to a GPU.
  return cpu.to(device, /*non_blocking=*/false).to(torch::kFloat).div_(255.0);
}

torch::Tensor batch_targets(const Batch& batch, const torch::Device& device) {
  auto rows = static_cast<std::int64_t>(batch.target_rows());
  if (rows == 0) return torch::zeros({0, 6}, torch::TensorOptions().device(device));
  return torch::from_blob(const_cast<float*>(batch.targets.data()), {rows, 6}, torch::kFloat).to(device).clone();
}

namespace {

// The validation set's boxes, with classes numbered by the training class list: a class absent
// from validation keeps its index.
eval::EvalSet eval_set_for(const Dataset& dataset, const std::vector<std::string>& classes) {
  eval::EvalSet set = eval::eval_set_from_dataset(dataset);
  set.classes = classes;
  // eval_set_from_dataset numbered classes by the validation set's own list: remap by name.
  auto val_classes = dataset.classes();
  for (auto& im : set.images)
    for (auto& g : im.gts) g.cls = int(std::find(classes.begin(), classes.end(), val_classes[std::size_t(g.cls)]) - classes.begin());
  return set;
}

}  // namespace

ValidationResult validate_images(models::Detector& detector, const Dataset& dataset, const std::vector<std::string>& classes,
                                 const eval::EvalOptions& eval_options, const InferenceSettings& settings,
                                 const torch::Device& device, int batch) {
  const auto t0 = std::chrono::steady_clock::now();
  torch::nn::Module& model = detector.module();
  const bool was_training = model.is_training();
  model.eval();
  eval::EvalSet set = eval_set_for(dataset, classes);
  const std::size_t step = std::size_t(std::max(1, batch));
  for (std::size_t first = 0; first < dataset.images.size(); first += step) {
    const std::size_t end = std::min(dataset.images.size(), first + step);
    std::vector<cv::Mat> images;
    for (std::size_t i = first; i < end; ++i) images.push_back(decode_image(dataset.images[i].path));
    const std::vector<ImageDetections> found = detect_images(detector, images, settings, device, int(step));
    for (std::size_t i = first; i < end; ++i)
      for (const Detection& d : found[i - first])
        set.images[i].dets.push_back(eval::Detection{eval::XYWH{d.x0, d.y0, d.x1 - d.x0, d.y1 - d.y0}, d.cls, d.score});
  }
  if (was_training) model.train();

  ValidationResult r;
  r.report = eval::evaluate(set, eval_options);
  r.set = std::move(set);
  r.images = dataset.images.size();
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

ValidationResult validate_detector(models::Detector& detector, DetectionLoader& loader, const Dataset& dataset,
                                   const std::vector<std::string>& classes, const models::DetectOptions& options,
                                   const eval::EvalOptions& eval_options, const torch::Device& device, Precision precision,
                                   bool with_loss, int epoch) {
  const auto t0 = std::chrono::steady_clock::now();
  torch::nn::Module& model = detector.module();
  const bool was_training = model.is_training();
  model.eval();
  torch::NoGradGuard no_grad;

  eval::EvalSet set = eval_set_for(dataset, classes);

  double loss_sum = 0;
  std::size_t images = 0;
  loader.start_epoch(epoch);
  while (auto batch = loader.next()) {
    auto x = batch_images(*batch, device);
    const torch::Tensor targets = with_loss ? batch_targets(*batch, device) : torch::Tensor();
    models::DetectResult found;
    {
      AutocastScope autocast(precision, device);
      found = detector.detect(x, options, with_loss ? &targets : nullptr);
    }
    if (found.losses) loss_sum += found.losses->total.item<double>();
    for (int i = 0; i < batch->size; ++i) {
      auto d = found.boxes[std::size_t(i)].to(torch::kCPU).to(torch::kDouble).contiguous();
      const auto* p = d.data_ptr<double>();
      const LetterboxInfo& lb = batch->letterbox[std::size_t(i)];
      auto& im = set.images[batch->indices[std::size_t(i)]];
      for (std::int64_t k = 0; k < d.size(0); ++k) {
        LabeledBox b{p[k * 6 + 0], p[k * 6 + 1], p[k * 6 + 2], p[k * 6 + 3], int(p[k * 6 + 5])};
        LabeledBox o = lb.to_original(b);
        o.x0 = std::clamp(o.x0, 0.0, double(lb.orig_width));
        o.x1 = std::clamp(o.x1, 0.0, double(lb.orig_width));
        o.y0 = std::clamp(o.y0, 0.0, double(lb.orig_height));
        o.y1 = std::clamp(o.y1, 0.0, double(lb.orig_height));
        if (o.x1 <= o.x0 || o.y1 <= o.y0) continue;
        im.dets.push_back(eval::Detection{eval::XYWH{o.x0, o.y0, o.x1 - o.x0, o.y1 - o.y0}, o.cls, p[k * 6 + 4]});
      }
    }
    images += std::size_t(batch->size);
  }
  if (was_training) model.train();

  ValidationResult r;
  r.report = eval::evaluate(set, eval_options);
  r.set = std::move(set);
  if (with_loss && images) r.loss = loss_sum / double(images);
  r.images = images;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

}  // namespace autodet
