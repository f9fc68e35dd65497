// `autodet predict --model PKG INPUT...`: detections for image files, folders or datasets as
// batch-prediction JSONL (the file `autodet evaluate --predictions` reads), optionally drawn.
#ifdef AUTODET_HAVE_TORCH  // the model runs on libtorch
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <memory>

#include <fmt/format.h>

#include "cli/command.h"
#include "cli/data_options.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/log.h"
#include "deploy/batch_predict.h"
#include "deploy/predict_inputs.h"
#include "deploy/scorer.h"

namespace autodet::cli {
namespace {

struct Args {
  std::string model;
  std::vector<std::string> inputs;
  std::string out;
  std::string draw;
  std::string draw_format;
  std::vector<std::string> settings;
  int batch = 16;
  std::string device = "cpu";
  DataArgs data;
};

// Lines go to a temporary file renamed into place at the end, so a failed run leaves no half file.
class LineSink {
 public:
  explicit LineSink(const std::string& path) : path_(path) {
    if (path_.empty()) return;
    if (parent_dir(path_) != ".") make_dirs(parent_dir(path_));
    tmp_ = path_ + ".tmp-" + std::to_string(::getpid());
    file_.open(tmp_, std::ios::binary | std::ios::trunc);
    if (!file_) throw Error(Location{path_, 0, "", ""}, "cannot write the predictions file");
  }
  ~LineSink() {
    if (!tmp_.empty() && !committed_) std::remove(tmp_.c_str());
  }
  void write(const std::string& line) {
    (path_.empty() ? log::out() : file_) << line << '\n';
  }
  void commit() {
    if (path_.empty()) {
      log::out().flush();
      return;
    }
    file_.close();
    if (!file_ || std::rename(tmp_.c_str(), path_.c_str()) != 0)
      throw Error(Location{path_, 0, "", ""}, "cannot write the predictions file");
    committed_ = true;
  }

 private:
  std::string path_, tmp_;
  std::ofstream file_;
  bool committed_ = false;
};

void run(const Args& a) {
  PredictorOptions po;
  po.package_dir = a.model;
  po.device = a.device;
  po.overrides = parse_key_values(a.settings);
  po.max_batch = a.batch;
  std::unique_ptr<Scorer> scorer = load_predictor(po);

  PredictInputs inputs = collect_predict_inputs(a.inputs, a.data.data_format(), a.data.read_options(ImageCheck::Header));
  for (const auto& p : inputs.problems) log::error("{}", p);
  if (inputs.images.empty() && inputs.problems.empty()) throw UsageError("no images to predict");

  BatchPredictOptions bo;
  bo.batch = a.batch;
  bo.max_image_pixels = a.data.max_image_pixels;
  bo.draw_dir = a.draw;
  bo.draw_format = a.draw_format == "jpeg" ? "jpg" : a.draw_format;
  LineSink sink(a.out);
  const BatchPredictSummary sum =
      predict_images(*scorer, inputs.images, scorer->settings(), bo, [&](const std::string& line) { sink.write(line); });
  sink.commit();

  const std::size_t failed = sum.failed + inputs.problems.size();
  log::info("predicted {} images ({} boxes) in {:.1f} s, {:.1f} images/s{}{}", sum.images, sum.boxes, sum.seconds,
            sum.images / std::max(1e-9, sum.seconds), a.out.empty() ? "" : " -> " + a.out,
            failed ? fmt::format("; {} failed (see above)", failed) : "");
  if (failed) set_exit_code(1);
}

CommandRegistrar reg(32, [](CLI::App& root) {
  auto args = std::make_shared<Args>();
  auto* cmd = root.add_subcommand("predict", "Detect objects in images, folders or datasets with a model package");
  cmd->add_option("--model", args->model, "Model package folder (a trial's model/ or a job's best_model/)")->required();
  cmd->add_option("INPUT", args->inputs, "Image files, folders of images, or datasets (JSONL, MLTable, COCO, ...)")->required();
  cmd->add_option("--out", args->out, "Write the JSONL predictions here (default: stdout)");
  cmd->add_option("--draw", args->draw, "Write each image with its boxes drawn into this folder");
  cmd->add_option("--draw-format", args->draw_format, "Picture format: jpg or png (default: the input's, else jpg)")
      ->check(CLI::IsMember({"jpg", "jpeg", "png"}));
  cmd->add_option("--set", args->settings,
                  "key=value: override an inference setting (img_size, box_score_thresh, nms_iou_thresh, "
                  "box_detections_per_img, tile_grid_size, tile_overlap_ratio, tile_predictions_nms_thresh, test_time_augmentation); repeatable");
  cmd->add_option("--batch", args->batch, "Images per forward pass")->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_option("--device", args->device, "cpu, cuda, cuda:N or auto")->capture_default_str();
  args->data.add_to(*cmd);
  cmd->callback([args] { run(*args); });
});

}  // namespace
}  // namespace autodet::cli
#endif  // AUTODET_HAVE_TORCH
