#include "automl/job_data.h"

#include "automl/start_weights.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/log.h"
#include "data/load.h"
#include "data/split.h"
#include "package/tiling.h"

namespace autodet {


std::uint64_t job_seed(const TrainingParams& p) { return p.random_seed ? std::uint64_t(*p.random_seed) : 1; }

TrainConfig to_train_config(const TrainingParams& p) {
  TrainConfig c;
  c.model_name = p.model_name;
  c.model_size = p.model_size;
  c.image_size = p.image_size;
  if (is_rcnn_like(model_family(p.model_name))) {
    // R-CNN networks take a square letterbox of min_size (rounded up to 32), which their own
    // transform then resizes by min(min_size / shorter, max_size / longer) (R4.1).
    c.min_size = p.min_size;
    c.max_size = p.max_size;
    c.image_size = (p.min_size + 31) / 32 * 32;
  }
  c.epochs = p.number_of_epochs;
  c.batch_size = p.training_batch_size;
  c.validation_batch_size = p.validation_batch_size;
  c.learning_rate = p.learning_rate;
  c.scheduler = p.learning_rate_scheduler;
  c.warmup_epochs = p.warmup_cosine_lr_warmup_epochs;
  c.cosine_cycles = p.warmup_cosine_lr_cycles;
  c.step_size = p.step_lr_step_size;
  c.step_gamma = p.step_lr_gamma;
  c.optimizer = p.optimizer;
  c.momentum = p.momentum;
  c.nesterov = p.nesterov;
  c.weight_decay = p.weight_decay;
  c.beta1 = p.beta1;
  c.beta2 = p.beta2;
  c.amsgrad = p.ams_gradient;
  c.gradient_accumulation = p.gradient_accumulation_step;
  c.early_stopping = p.early_stopping;
  c.early_stopping_patience = p.early_stopping_patience;
  c.early_stopping_delay = p.early_stopping_delay;
  c.evaluation_frequency = p.evaluation_frequency;
  c.checkpoint_frequency = p.checkpoint_frequency;
  c.layers_to_freeze = p.layers_to_freeze;
  c.metric_type = p.validation_metric_type;
  c.best_epoch_metric = p.best_epoch_metric;
  if (c.best_epoch_metric == "coco_ap" && c.metric_type == "none")
    throw UsageError("training_parameters.best_epoch_metric: coco_ap ranks epochs by their COCO AP, which "
                     "validation_metric_type none does not compute; use coco, voc or coco_voc");
  c.iou_threshold = p.validation_iou_threshold;
  c.box_score_threshold = p.box_score_threshold;
  c.nms_iou_threshold = p.nms_iou_threshold;
  c.max_detections = p.box_detections_per_image;
  c.multi_scale = p.multi_scale;
  c.mosaic = p.advanced_settings.apply_mosaic_for_yolo;
  c.augment = p.advanced_settings.apply_automl_train_augmentations;
  c.rcnn_augment = is_rcnn_like(model_family(p.model_name));  // R4.4 for torchvision's detectors
  c.log_validation_loss = p.log_validation_loss;
  c.log_training_metrics = p.log_training_metrics && !p.tile_grid_size;  // R8.9: off with tiling
  c.test_time_augmentation = p.test_time_augmentation;
  if (c.test_time_augmentation == "auto" && c.metric_type == "none")
    throw UsageError("training_parameters.test_time_augmentation: auto chooses by the validation metric, which "
                     "validation_metric_type none does not compute; use none, flip or multi_scale_flip");
  if (p.tile_grid_size) {
    InferenceSettings s;
    s.img_size = p.image_size;
    s.model_size = p.model_size;
    s.box_score_thresh = p.box_score_threshold;
    s.nms_iou_thresh = p.nms_iou_threshold;
    s.box_detections_per_img = p.box_detections_per_image;
    s.tile_grid = p.tile_grid_size;
    s.tile_overlap_ratio = p.tile_overlap_ratio;
    s.tile_predictions_nms_thresh = p.tile_predictions_nms_threshold;
    // Validation with tiles (§8.2): each full-resolution validation image goes through the same
    // tiled inference as `autodet predict` with the package's settings, so the metric that picks
    // the best epoch is the one the deployed model will show.
    c.validation_settings = s;
    c.package_settings = {{"tile_grid_size", p.tile_grid_size->str()},
                          {"tile_overlap_ratio", p.tile_overlap_ratio},
                          {"tile_predictions_nms_thresh", p.tile_predictions_nms_threshold}};
  }
  StartChoice start = choose_start_weights(p);
  c.init_weights = start.init_weights;
  c.start_weights = start.start;
  c.start_note = start.note;
  // R4.14: unset, an R-CNN backbone starting from published weights keeps conv1 and layer1 frozen.
  if (!c.layers_to_freeze && is_rcnn_like(model_family(p.model_name)) && c.start_weights) c.layers_to_freeze = 2;
  c.precision = p.precision;
  c.device = p.device;
  c.workers = 0;
  c.seed = job_seed(p);
  return c;
}

std::pair<Dataset, Dataset> read_job_data(const JobSpec& spec, std::uint64_t seed, std::vector<UnusableImage>* rejected,
                                          bool train_on_validation) {
  Diagnostics diag;
  ReadOptions opts;
  opts.image_roots = spec.image_roots;
  SplitDataset sd = load_dataset(spec.training_data.path, DataFormat::Auto, opts, diag);
  if (spec.validation_data) {
    SplitDataset v = load_dataset(spec.validation_data->path, DataFormat::Auto, opts, diag);
    sd.splits["validation"] = v.merged();
  }
  sd.splits.erase("test");
  if (rejected) *rejected = unusable_images_in(diag);
  if (!diag.ok() || diag.warnings())
    log::warn("data: {} errors (those images or boxes are skipped) and {} warnings; `autodet data validate {}` lists them",
              diag.errors(), diag.warnings(), spec.training_data.given);
  split_validation(sd, spec.validation_data_size, seed);
  Dataset train = sd.splits["train"], val = sd.splits["validation"];
  if (train.images.empty())
    throw DataError(Location{spec.training_data.path, 0, "", ""}, "training data has no usable images");
  if (val.images.empty())
    throw DataError(Location{spec.training_data.path, 0, "", ""}, "no validation images (the training set is too small to split)");
  if (train_on_validation) {  // before tiling, so the validation images' tiles are trained on too
    train.images.insert(train.images.end(), val.images.begin(), val.images.end());
    train.declared_classes.insert(train.declared_classes.end(), val.declared_classes.begin(), val.declared_classes.end());
  }
  if (const auto& grid = spec.params.tile_grid_size) {
    // Tiles of the training images only: the validation images are scored whole, through tiled
    // inference (tiled_detector). Split first, so no tile of a validation image is trained on.
    const std::size_t images = train.images.size();
    train = with_training_tiles(train, *grid, spec.params.tile_overlap_ratio);
    log::info("tiling {}: {} training images and {} tiles", grid->str(), images, train.images.size() - images);
  }
  return {std::move(train), std::move(val)};
}

void check_data_paths(const JobSpec& spec) {
  if (!fs_exists(spec.training_data.path))
    throw DataError(Location{spec.source_file, spec.training_data.line, "", "training_data.path"},
                    "'" + spec.training_data.given + "' does not exist");
  if (spec.validation_data && !fs_exists(spec.validation_data->path))
    throw DataError(Location{spec.source_file, spec.validation_data->line, "", "validation_data.path"},
                    "'" + spec.validation_data->given + "' does not exist");
}

nlohmann::json saved_job(const JobSpec& spec, const std::string& job_yaml, const std::vector<std::string>& overrides) {
  return {{"source_file", job_yaml}, {"base_dir", spec.base_dir}, {"overrides", overrides},
          {"name", spec.name}, {"image_roots", spec.image_roots}, {"job", job_to_json(spec)}};
}

JobSpec parse_saved_job(const std::string& text, const nlohmann::json& saved) {
  JobParseOptions o;
  // The compute the job was accepted with (checked, and warned about, then); older jobs ran here.
  o.compute = saved.contains("job") ? saved["job"].value("compute", std::string("local")) : std::string("local");
  JobSpec spec = parse_job_yaml_text(text, saved.at("source_file").get<std::string>(), saved.at("base_dir").get<std::string>(), o);
  spec.image_roots = saved.value("image_roots", spec.image_roots);
  for (const auto& o : saved.at("overrides")) apply_override(spec, o.get<std::string>());
  apply_override(spec, "name=" + saved.at("name").get<std::string>());
  return spec;
}

void require_new_job_name(store::RunStore& rs, const store::Workspace& ws, const JobSpec& spec) {
  if (rs.find_job(spec.name))
    throw UsageError("job '" + spec.name + "' already exists in " + ws.root() + "; give another name, or continue it with --resume " +
                     spec.name);
}

void record_new_job(store::RunStore& rs, const store::Workspace& ws, const JobSpec& spec, const nlohmann::json& saved,
                    const std::string& yaml_text, store::RunStatus status) {
  store::JobRecord job;
  job.name = spec.name;
  job.experiment_name = spec.experiment_name;
  job.display_name = spec.display_name;
  job.description = spec.description;
  job.spec = saved.dump();
  job.tags = nlohmann::json(spec.tags).dump();
  job.status = status;
  rs.create_job(job);
  make_dirs(ws.job_dir(spec.name));
  write_file_atomic(join_path(ws.job_dir(spec.name), "job.yml"), yaml_text);
}

}  // namespace autodet
