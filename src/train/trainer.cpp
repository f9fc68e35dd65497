#include "train/trainer.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include <fmt/format.h>
#include <torch/torch.h>

#include "core/error.h"
#include "core/fs.h"
#include "core/log.h"
#include "core/rng.h"
#include "data/loader/detection_loader.h"
#include "eval/evaluation_record.h"
#include "eval/per_label.h"
#include "models/device.h"
#include "models/registry.h"
#include "package/model_package.h"
#include "train/checkpoint.h"
#include "train/early_stopping.h"
#include "train/ema.h"
#include "train/lr_schedule.h"
#include "train/optimizer.h"
#include "train/precision.h"
#include "train/validate_model.h"

namespace autodet {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

std::vector<std::string> union_classes(const Dataset& a, const Dataset& b) {
  Dataset all;
  all.declared_classes = a.classes();
  for (const auto& c : b.classes()) all.declared_classes.push_back(c);
  return all.classes();
}

// Box sizes at the training size (the long image side scaled to image_size, or each side when the
// model stretches its input), for adapting the model to the data (AutoAnchor).
std::vector<std::pair<float, float>> training_box_sizes(const Dataset& ds, int image_size, bool stretch) {
  std::vector<std::pair<float, float>> wh;
  for (const auto& im : ds.images) {
    const double s = double(image_size) / std::max(1, std::max(im.width, im.height));
    const double sx = stretch ? double(image_size) / std::max(1, im.width) : s;
    const double sy = stretch ? double(image_size) / std::max(1, im.height) : s;
    for (const auto& b : im.boxes)
      if (!b.crowd) wh.emplace_back(float(b.width() * sx), float(b.height() * sy));
  }
  return wh;
}

// Metrics of one evaluation under the names of spec §6.4 (coco_metrics flattened as coco_<stat>).
std::map<std::string, double> report_metrics(const eval::EvalReport& r) {
  std::map<std::string, double> m;
  if (r.mean_average_precision) m["mean_average_precision"] = *r.mean_average_precision;
  if (r.voc) {
    m["precision"] = r.voc->precision;
    m["recall"] = r.voc->recall;
    m["voc_mean_average_precision"] = r.voc->mean_average_precision;
  }
  if (r.coco) {
    nlohmann::json j = eval::to_json(r)["coco"];
    for (auto it = j.begin(); it != j.end(); ++it)
      if (it->is_number()) m["coco_" + it.key()] = it->get<double>();
  }
  return m;
}

// Appends one evaluation to {class: {precision: [...], recall: [...], average_precision: [...]}} (R6.4).
void append_per_label(nlohmann::json& history, const eval::EvalReport& r) {
  if (!r.voc) return;
  for (const auto& row : eval::per_label_metrics(*r.voc)) {
    auto& c = history[row.class_name];
    c["precision"].push_back(row.precision);
    c["recall"].push_back(row.recall);
    c["average_precision"].push_back(row.average_precision);
  }
}

// The best epoch's evaluation record (metrics, PR curves, confusion matrices, predictions) in
// trial_dir/evaluation.json, for reports and `jobs show`; returns its path.
std::string write_best_evaluation(const std::string& trial_dir, const ValidationResult& vr, const eval::EvalOptions& eo, int epoch) {
  nlohmann::json record = eval::evaluation_record(vr.set, vr.report, eo.voc.iou_threshold);
  record["epoch"] = epoch;
  const std::string path = join_path(trial_dir, "evaluation.json");
  eval::write_evaluation_record(path, record);
  return path;
}

// What the package records about the weights training started from.
nlohmann::json started_from(const TrainConfig& cfg) {
  if (!cfg.init_weights.empty()) return {{"kind", "autodet"}, {"path", cfg.init_weights}};
  if (cfg.start_weights) return {{"kind", cfg.start_weights->kind}, {"path", cfg.start_weights->path}};
  return {{"kind", "none"}};
}

// What ranks a validation result: COCO AP@[.5:.95] (best_epoch_metric coco_ap) or the primary metric.
double ranking_score(const ValidationResult& vr, bool by_coco_ap) {
  return by_coco_ap ? (vr.report.coco ? std::max(0.0, vr.report.coco->stats[0]) : 0.0)
                    : vr.report.mean_average_precision.value_or(0.0);
}

// The model (the best epoch's weights) scored on the validation images with each kind of
// test-time augmentation in `kinds`, through the same inference as `autodet predict`. Returns the
// best kind (a cheaper one unless a dearer one scores higher) and every score.
std::pair<std::string, nlohmann::json> score_test_time_augmentation(models::Detector& detector, const TrainConfig& cfg,
                                                                    const std::vector<std::string>& kinds,
                                                                    const Dataset& validation,
                                                                    const std::vector<std::string>& classes,
                                                                    const eval::EvalOptions& eo, bool by_coco_ap,
                                                                    const torch::Device& device) {
  InferenceSettings base;
  if (cfg.validation_settings) {
    base = *cfg.validation_settings;
  } else {
    base.img_size = cfg.image_size;
    base.box_score_thresh = cfg.box_score_threshold;
    base.nms_iou_thresh = cfg.nms_iou_threshold;
    base.box_detections_per_img = cfg.max_detections;
  }
  nlohmann::json scores = nlohmann::json::object();
  std::string chosen = "none";
  double best = -1;
  for (const std::string& name : kinds) {
    InferenceSettings s = base;
    s.test_time_augmentation = *parse_test_time_augmentation(name);
    const ValidationResult vr = validate_images(detector, validation, classes, eo, s, device, cfg.validation_batch_size);
    const double score = ranking_score(vr, by_coco_ap);
    scores[name] = score;
    if (score > best) {
      best = score;
      chosen = name;
    }
  }
  return {chosen, scores};
}

}  // namespace

TrainResult train_detector(const TrainConfig& cfg, const Dataset& train, const Dataset& validation,
                           const std::string& trial_dir, bool resume, const std::vector<TrainHook*>& hooks,
                           const std::atomic<bool>* stop, const std::atomic<bool>* terminate) {
  if (!models::is_registered_detector(cfg.model_name))
    throw NotSupportedError(Location{"", 0, "", "model_name"}, "model_name '" + cfg.model_name + "' is not implemented yet (available: " +
                                                                  fmt::format("{}", fmt::join(models::registered_detectors(), ", ")) + ")");
  if (train.images.empty()) throw DataError("the training set has no usable images");
  if (train.box_count() == 0) throw DataError("the training set has no boxes: nothing to learn");
  if (validation.images.empty()) throw DataError("the validation set has no usable images");
  const torch::Device device = parse_device(cfg.device);
  const Precision precision = resolve_precision(cfg.precision, device);
  if (device.is_cpu())
    at::set_num_threads(cfg.threads > 0 ? cfg.threads : int(std::max(1u, std::thread::hardware_concurrency())));
  torch::manual_seed(cfg.seed);
  make_dirs(trial_dir);

  const std::vector<std::string> classes = union_classes(train, validation);
  models::DetectorConfig dc;
  dc.model_size = cfg.model_size;
  dc.num_classes = int(classes.size());
  dc.image_size = cfg.image_size;
  dc.min_size = cfg.min_size;
  dc.max_size = cfg.max_size;
  dc.pretrained = cfg.start_weights.has_value() || !cfg.init_weights.empty();
  dc.init_seed = cfg.seed;
  std::unique_ptr<models::Detector> detector = models::build_detector(cfg.model_name, dc);
  torch::nn::Module& model = detector->module();
  const models::Preprocess prep = detector->preprocess();
  const std::vector<std::string> loss_names = detector->loss_names();
  const auto loss_count = std::int64_t(loss_names.size());
  const std::string checkpoint_path = join_path(trial_dir, "checkpoint.pt");
  const bool resuming = resume && fs_exists(checkpoint_path);

  std::string anchor_report;
  if (!resuming) {
    if (!cfg.init_weights.empty()) {
      const nlohmann::json from = read_checkpoint_meta(cfg.init_weights);
      const std::string from_model = from.value("architecture", nlohmann::json::object()).value("model_name", "");
      if (from_model != cfg.model_name)
        throw DataError(Location{cfg.init_weights, 0, "", "model_name"},
                        "the initial weights are for model_name '" + from_model + "', not '" + cfg.model_name + "'");
      WeightTransfer wt = load_matching_weights(cfg.init_weights, model, torch::kCPU);
      anchor_report = fmt::format("initial weights and anchors from {}: {} tensors loaded, {} re-initialised{}", cfg.init_weights,
                                  wt.loaded, wt.skipped.size(), wt.skipped.empty() ? "" : " (e.g. " + wt.skipped.front() + ")");
    } else {
      if (cfg.start_weights) anchor_report = models::load_start_weights(*detector, *cfg.start_weights);
      else anchor_report = cfg.start_note;
      if (!cfg.start_weights || !cfg.start_weights->whole) {
        const std::string adapted = detector->adapt_to_data(
            training_box_sizes(train, cfg.image_size, prep.resize == models::Preprocess::Resize::stretch), cfg.seed);
        if (!adapted.empty()) anchor_report += (anchor_report.empty() ? "" : "; ") + adapted;
      }
    }
  }
  if (cfg.layers_to_freeze && *cfg.layers_to_freeze > 0)
    models::freeze_layers(model, detector->freeze_groups(), *cfg.layers_to_freeze);
  model.to(device);

  ModelEma ema(model);
  auto optimizer = make_optimizer(model, OptimizerConfig{cfg.optimizer, cfg.learning_rate, cfg.momentum, cfg.nesterov,
                                                          cfg.weight_decay, cfg.beta1, cfg.beta2, cfg.amsgrad});

  LoaderOptions tl;
  tl.image_size = cfg.image_size;
  tl.batch_size = cfg.batch_size;
  tl.train = true;
  tl.mosaic = cfg.mosaic && prep.mosaic;
  tl.stretch = prep.resize == models::Preprocess::Resize::stretch;
  tl.augment = cfg.augment;
  tl.rcnn_augment = cfg.rcnn_augment;
  tl.multi_scale = cfg.multi_scale;
  tl.shuffle = true;
  tl.workers = cfg.workers;
  tl.seed = cfg.seed;
  DetectionLoader train_loader(train, classes, tl);
  LoaderOptions vl = tl;
  vl.batch_size = cfg.validation_batch_size;
  vl.train = false;
  vl.multi_scale = false;
  vl.shuffle = false;
  DetectionLoader val_loader(validation, classes, vl);
  // log_training_metrics: the training images as validation sees them (no augmentation).
  std::unique_ptr<DetectionLoader> train_eval_loader;
  if (cfg.log_training_metrics) train_eval_loader = std::make_unique<DetectionLoader>(train, classes, vl);

  eval::EvalOptions eo;
  eo.metric = eval::parse_metric_type(cfg.metric_type == "none" ? "voc" : cfg.metric_type);
  const bool by_coco_ap = cfg.best_epoch_metric == "coco_ap";
  if (by_coco_ap && eo.metric == eval::MetricType::Voc) eo.metric = eval::MetricType::CocoVoc;
  eo.voc.iou_threshold = cfg.iou_threshold;
  eo.box_score_threshold = cfg.box_score_threshold;
  models::DetectOptions nms;
  nms.score_threshold = cfg.box_score_threshold;
  nms.iou_threshold = cfg.nms_iou_threshold;
  nms.max_detections = cfg.max_detections;

  EarlyStopping stopper(cfg.early_stopping, cfg.early_stopping_patience, cfg.early_stopping_delay);
  nlohmann::json per_label = nlohmann::json::object();
  nlohmann::json per_label_train = nlohmann::json::object();
  std::map<std::string, double> best_metrics;
  int start_epoch = 0;
  long step = 0;
  double elapsed_before = 0;
  if (resuming) {
    nlohmann::json meta = load_checkpoint(checkpoint_path, model, &ema, optimizer.get(), device);
    if (meta.at("classes").get<std::vector<std::string>>() != classes)
      throw DataError(Location{checkpoint_path, 0, "", "classes"}, "the checkpoint was trained on other classes than this data");
    start_epoch = meta.at("epoch").get<int>() + 1;
    step = meta.at("step").get<long>();
    stopper.load_state(meta.at("early_stopping"));
    per_label = meta.value("per_label_metrics", nlohmann::json::object());
    per_label_train = meta.value("per_label_metrics_train", nlohmann::json::object());
    best_metrics = meta.value("best_metrics", std::map<std::string, double>{});
    elapsed_before = meta.value("elapsed_seconds", 0.0);
    anchor_report = "resumed after epoch " + std::to_string(start_epoch - 1);
  }

  const long batches = long(train_loader.batches_per_epoch());
  const WarmupCosine cosine{batches, cfg.warmup_epochs, cfg.epochs, cfg.cosine_cycles};
  const StepSchedule step_schedule{cfg.step_size, cfg.step_gamma};
  const int accumulate = std::max(1, cfg.gradient_accumulation);
  auto arch = [&] { return package_architecture(*detector); };
  for (auto* h : hooks)
    h->on_train_begin({{"device", device.str()}, {"precision", precision_name(precision)}, {"classes", classes},
                       {"train_images", train.images.size()}, {"validation_images", validation.images.size()},
                       {"batches_per_epoch", batches}, {"start_epoch", start_epoch}, {"epochs", cfg.epochs}, {"loss_names", loss_names},
                       {"anchors", anchor_report}, {"threads", at::get_num_threads()}, {"loader_workers", train_loader.workers()}});

  TrainResult result;
  result.best_epoch = stopper.best_epoch();
  result.best_score = stopper.best_score();
  result.epochs_run = start_epoch;
  const auto run_start = Clock::now();
  std::vector<torch::Tensor> params;
  for (auto& p : model.parameters())
    if (p.requires_grad()) params.push_back(p);

  for (int epoch = start_epoch; epoch < cfg.epochs; ++epoch) {
    const auto epoch_start = Clock::now();
    model.train();
    train_loader.start_epoch(epoch);
    if (cfg.scheduler == "step") set_lr_factor(*optimizer, cfg.learning_rate, step_schedule.factor(epoch));
    if (cfg.scheduler == "none") set_lr_factor(*optimizer, cfg.learning_rate, 1.0);
    optimizer->zero_grad();
    torch::Tensor parts_sum = torch::zeros({loss_count});
    double images = 0;
    std::size_t b = 0;
    while (auto batch = train_loader.next()) {
      if (stop && stop->load()) {
        result.interrupted = true;
        break;
      }
      if (terminate && terminate->load()) {
        result.terminated = true;
        break;
      }
      if (cfg.max_minutes > 0 && elapsed_before + seconds_since(run_start) > cfg.max_minutes * 60.0) {
        result.timed_out = true;
        break;
      }
      if (cfg.scheduler == "warmup_cosine") set_lr_factor(*optimizer, cfg.learning_rate, cosine.factor(step));
      auto x = batch_images(*batch, device);
      auto t = batch_targets(*batch, device);
      models::LossResult res;
      {
        AutocastScope autocast(precision, device);
        res = detector->losses(x, t);
      }
      (res.total / double(accumulate)).backward();
      const bool last = b + 1 == std::size_t(batches);
      if ((b + 1) % std::size_t(accumulate) == 0 || last) {
        torch::nn::utils::clip_grad_value_(params, cfg.clip_value);
        optimizer->step();
        optimizer->zero_grad();
        ema.update(model);
      }
      ++step;
      ++b;
      parts_sum += res.parts.to(torch::kCPU).to(torch::kFloat);
      images += batch->size;
      const double secs = seconds_since(epoch_start);
      auto p = parts_sum / double(b);
      std::map<std::string, double> values{{"learning_rate", current_lr(*optimizer)},
                                           {"images_per_second", images / std::max(1e-9, secs)}};
      for (std::int64_t k = 0; k < loss_count; ++k) values[loss_names[std::size_t(k)]] = p[k].item<double>();
      for (auto* h : hooks) h->on_batch_end(epoch, b, std::size_t(batches), values);
    }
    if (result.interrupted || result.terminated || result.timed_out) break;

    EpochSummary summary;
    summary.epoch = epoch;
    summary.epochs = cfg.epochs;
    auto p = parts_sum / double(std::max<std::size_t>(1, b));
    for (std::int64_t k = 0; k < loss_count; ++k) summary.metrics[loss_names[std::size_t(k)]] = p[k].item<double>();
    summary.metrics["log_loss_train"] = p.sum().item<double>();
    summary.metrics["learning_rate"] = current_lr(*optimizer);
    summary.metrics["images_per_second"] = images / std::max(1e-9, seconds_since(epoch_start));

    // A refit has no held-out images to pick an epoch with: it keeps its last, scored once.
    const bool evaluate_now = cfg.validation_in_training
                                  ? epoch == cfg.epochs - 1
                                  : epoch % std::max(1, cfg.evaluation_frequency) == 0 || epoch == cfg.epochs - 1;
    // Evaluation, best weights and periodic checkpoints use the EMA weights (R4.10).
    std::vector<torch::Tensor> training_weights;
    for (auto& [_, tensor] : named_state(model)) training_weights.push_back(tensor.detach().clone());
    ema.copy_to(model);
    if (evaluate_now) {
      ValidationResult vr =
          cfg.validation_settings
              ? validate_images(*detector, validation, classes, eo, *cfg.validation_settings, device, cfg.validation_batch_size)
              : validate_detector(*detector, val_loader, validation, classes, nms, eo, device, precision,
                                  cfg.log_validation_loss, epoch);
      auto m = report_metrics(vr.report);
      if (cfg.validation_in_training) {
        for (const auto& [name, value] : m)
          if (name != "log_loss_train") summary.metrics[name + "_train"] = value;
        append_per_label(per_label_train, vr.report);
      } else {
        summary.metrics.insert(m.begin(), m.end());
        if (vr.loss) summary.metrics["log_loss"] = *vr.loss;
        append_per_label(per_label, vr.report);
      }
      summary.metrics["validation_seconds"] = vr.seconds;
      summary.evaluated = true;
      const double score = ranking_score(vr, by_coco_ap);
      summary.best = stopper.update(epoch, score, cfg.metric_type == "none");
      if (summary.best) {
        best_metrics = summary.metrics;
        save_weights(join_path(trial_dir, "best.pt"), model, {{"epoch", epoch}, {"classes", classes}, {"architecture", arch()}});
        if (!cfg.validation_in_training) summary.evaluation_file = write_best_evaluation(trial_dir, vr, eo, epoch);
      }
      summary.report = std::move(vr.report);
      if (train_eval_loader) {
        ValidationResult tr =
            validate_detector(*detector, *train_eval_loader, train, classes, nms, eo, device, precision, false, epoch);
        for (const auto& [name, value] : report_metrics(tr.report))
          if (name != "log_loss_train") summary.metrics[name + "_train"] = value;
        append_per_label(per_label_train, tr.report);
      }
    }
    if (cfg.checkpoint_frequency && (epoch + 1) % *cfg.checkpoint_frequency == 0)
      save_weights(join_path(trial_dir, fmt::format("{}_model.pt", epoch)), model,
                   {{"epoch", epoch}, {"classes", classes}, {"architecture", arch()}});
    {
      torch::NoGradGuard no_grad;
      auto state = named_state(model);
      for (std::size_t i = 0; i < state.size(); ++i) state[i].second.copy_(training_weights[i]);
    }
    summary.seconds = seconds_since(epoch_start);
    save_checkpoint(checkpoint_path, model, &ema, optimizer.get(),
                    {{"epoch", epoch}, {"step", step}, {"classes", classes}, {"early_stopping", stopper.state()},
                     {"per_label_metrics", per_label}, {"per_label_metrics_train", per_label_train}, {"best_metrics", best_metrics}, {"architecture", arch()},
                     {"elapsed_seconds", elapsed_before + seconds_since(run_start)}});
    result.epochs_run = epoch + 1;
    for (auto* h : hooks) h->on_epoch_end(summary);
    if (stopper.should_stop()) {
      result.stopped_early = true;
      break;
    }
    if (cfg.max_minutes > 0 && elapsed_before + seconds_since(run_start) > cfg.max_minutes * 60.0) {
      result.timed_out = epoch + 1 < cfg.epochs;
      break;
    }
  }

  // A refit stopped before its end (the job's deadline, a stop request) keeps what it reached: it
  // has no held-out images to pick another epoch with, and with the learning rate annealed its last
  // epochs move the weights little. The sweep decides whether that is far enough (docs/automode.md).
  int refit_cut_epoch = -1;
  const std::string best_path = join_path(trial_dir, "best.pt");
  if (cfg.validation_in_training && (result.terminated || result.timed_out) && result.epochs_run > 0 &&
      !fs_exists(best_path)) {
    refit_cut_epoch = result.epochs_run - 1;
    ema.copy_to(model);
    save_weights(best_path, model, {{"epoch", refit_cut_epoch}, {"classes", classes}, {"architecture", arch()}});
  }
  result.best_epoch = refit_cut_epoch >= 0 ? refit_cut_epoch : stopper.best_epoch();
  result.best_score = stopper.best_score();
  if (by_coco_ap) result.score_name = "COCO AP@[.5:.95]";
  result.best_metrics = best_metrics;
  if (fs_exists(best_path) && !result.interrupted) {
    load_weights(best_path, model, device);
    ModelPackage pkg;
    pkg.architecture = arch();
    pkg.labels = classes;
    pkg.settings = {{"img_size", cfg.image_size}, {"model_size", detector->model_size()},
                    {"box_score_thresh", cfg.box_score_threshold}, {"nms_iou_thresh", cfg.nms_iou_threshold},
                    {"box_detections_per_img", cfg.max_detections}, {"tile_grid_size", nullptr},
                    {"tile_overlap_ratio", 0.25}, {"tile_predictions_nms_thresh", 0.25}};
    if (detector->model_size().empty()) pkg.settings.erase("model_size");  // a sizeless family
    for (const auto& [key, value] : cfg.package_settings.items()) pkg.settings[key] = value;
    nlohmann::json tta_scores;
    if (cfg.test_time_augmentation != "none" && !cfg.validation_in_training && cfg.metric_type != "none") {
      const bool choose = cfg.test_time_augmentation == "auto";
      const std::vector<std::string> kinds =
          choose ? test_time_augmentation_names() : std::vector<std::string>{"none", cfg.test_time_augmentation};
      auto [best_kind, scores] =
          score_test_time_augmentation(*detector, cfg, kinds, validation, classes, eo, by_coco_ap, device);
      const std::string kind = choose ? best_kind : cfg.test_time_augmentation;
      pkg.settings["test_time_augmentation"] = kind;
      tta_scores = {{"kind", kind}, {"chosen_on_validation", choose}, {"validation", scores}, {"score", result.score_name}};
      log::info("test-time augmentation: {}{} (validation {}: {})", kind, choose ? ", chosen" : "", result.score_name,
                scores.dump());
    } else if (cfg.test_time_augmentation != "none" && cfg.test_time_augmentation != "auto") {
      pkg.settings["test_time_augmentation"] = cfg.test_time_augmentation;
    }
    pkg.per_label_metrics = per_label;
    pkg.metrics = {{"started_from", started_from(cfg)}, {"best_epoch", result.best_epoch}, {"epochs_run", result.epochs_run},
                   {"stopped_early", result.stopped_early}, {"metrics", best_metrics},
                   {"train_duration_seconds", elapsed_before + seconds_since(run_start)}};
    if (!per_label_train.empty()) pkg.metrics["per_label_metrics_train"] = per_label_train;
    if (!tta_scores.is_null()) pkg.metrics["test_time_augmentation"] = tta_scores;
    for (const auto& [key, value] : cfg.package_metrics.items()) pkg.metrics[key] = value;
    result.package_dir = join_path(trial_dir, "model");
    write_model_package(result.package_dir, pkg, [&](const std::string& path) {
      save_weights(path, model, {{"classes", classes}, {"architecture", arch()}, {"epoch", result.best_epoch}});
    });
  }
  nlohmann::json summary{{"epochs_run", result.epochs_run}, {"best_epoch", result.best_epoch},
                         {"best_score", result.best_score}, {"score_name", result.score_name}, {"stopped_early", result.stopped_early},
                         {"interrupted", result.interrupted}, {"terminated", result.terminated}, {"timed_out", result.timed_out},
                         {"package", result.package_dir}};
  for (auto* h : hooks) h->on_train_end(summary);
  return result;
}

}  // namespace autodet
