#include "automl/automode.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>  // parse_search_space/parse_sweep overloads need the complete type

#include "automl/job_data.h"
#include "automl/sweep/sampler.h"
#include "automl/sweep/search_space.h"
#include "automl/sweep/tpe_sampler.h"
#include "automl/start_weights.h"
#include "models/device.h"
#include "models/registry.h"

namespace autodet {

nlohmann::json PortfolioEntry::to_values() const {
  // Every entry says where it starts: the scratch ones do not fail for want of weights that are
  // not in the cache (a job's own pretrained_weights wins, R2.9).
  nlohmann::json v = {{"model_name", model_name}, {"pretrained_weights", weights}, {"image_size", image_size},
                      {"optimizer", optimizer}, {"learning_rate", learning_rate}, {"number_of_epochs", epochs},
                      {"training_batch_size", batch}};
  if (!model_size.empty()) v["model_size"] = model_size;
  if (costly()) {  // torchvision's transform sizes the input from min_size, not image_size
    v.erase("image_size");
    v["min_size"] = image_size;
  }
  if (layers_to_freeze > 0) v["layers_to_freeze"] = layers_to_freeze;
  // Packages fuse six inference passes (mirrored, at 0.85, 1 and 1.15 times the image size): on
  // raccoon that scored higher test COCO AP than one pass for each of 9 models (+0.003 to +0.05,
  // docs/automode.md). Not for torchvision's detectors (minutes per pass on a CPU).
  if (!costly()) v["test_time_augmentation"] = "multi_scale_flip";
  return v;
}

bool PortfolioEntry::costly() const { return is_rcnn_like(model_family(model_name)); }

const std::vector<PortfolioEntry>& automode_portfolio() {
  // Fine-tuning a COCO detector beats any configuration trained from scratch on a CPU by a wide
  // margin (raccoon test COCO AP 0.53 against 0.1-0.2; docs/automode.md), so the pretrained
  // entries come first, by value per minute. From scratch, ordered by expected value per minute: AdamW
  // at 0.002 reaches a useful mAP in far fewer epochs than SGD at 0.01, and nano at 320 pixels is
  // the cheapest configuration that still finds medium-sized objects.
  static const std::vector<PortfolioEntry> p = {
      {"yolov5", "nano", "coco", 416, "sgd", 0.0032, 40, 16, "YOLOv5n fine-tuned from COCO, its detection layer's box outputs kept: SGD at Ultralytics' fine-tuning rate (0.0032), 416 px for tighter boxes"},
      {"fastestdet", "", "coco", 352, "adamw", 0.002, 60, 16, "FastestDet fine-tuned from COCO: a different architecture"},
      {"yolov5", "small", "coco", 320, "sgd", 0.01, 30, 16, "YOLOv5s from COCO: more capacity, when its weights are cached"},
      // torchvision's COCO detectors at 512 px with the ResNet frozen up to layer3 (only layer4,
      // the FPN and the heads train): on a CPU still an hour or more for a few hundred images,
      // so they run when the budget (or a GPU) allows.
      {"fasterrcnn_resnet50_fpn", "", "coco", 512, "sgd", 0.005, 10, 2, "Faster R-CNN R50-FPN from torchvision's COCO weights: two-stage, best on small objects", 4},
      {"retinanet_resnet50_fpn", "", "coco", 512, "sgd", 0.005, 10, 2, "RetinaNet R50-FPN from COCO: one-stage with focal loss", 4},
      {"fcos_resnet50_fpn", "", "coco", 512, "sgd", 0.001, 10, 2, "FCOS R50-FPN from COCO: anchor-free", 4},
      {"yolov5", "nano", "none", 320, "adamw", 0.002, 30, 16, "from scratch: the cheap baseline, smallest model, AdamW"},
      {"yolov5", "small", "none", 320, "adamw", 0.002, 30, 16, "from scratch: twice the width at the same resolution"},
      {"yolov5", "nano", "none", 416, "adamw", 0.002, 40, 16, "from scratch: higher resolution for small objects"},
      {"yolov5", "nano", "none", 320, "adamw", 0.005, 40, 16, "from scratch: a larger step size, longer"},
      {"yolov5", "small", "none", 416, "adamw", 0.001, 40, 16, "from scratch: capacity and resolution together"},
      {"yolov5", "nano", "none", 320, "sgd", 0.01, 50, 16, "from scratch: the Azure default optimizer (SGD 0.01), given more epochs"},
      {"yolov5", "medium", "none", 320, "adamw", 0.001, 30, 8, "from scratch: a deeper, wider model"},
      {"yolov5", "small", "none", 512, "adamw", 0.001, 40, 8, "from scratch: high resolution"},
  };
  return p;
}

bool weights_in_cache(const PortfolioEntry& e) {
  return !e.pretrained() || published_weights_cached(e.model_name, e.model_size, e.weights);
}

double CostModel::epoch_seconds(const TrainingParams& p) const {
  // A name no family registers is costed as YOLOv5 of its model_size: its trials fail when they
  // start anyway.
  const std::string family = models::is_registered_detector(p.model_name) ? p.model_name : "yolov5";
  const models::FamilySpec& spec = models::family_spec(family);
  // R-CNN families train on a square of min_size (job_data.cpp), not on image_size.
  const int size = is_rcnn_like(model_family(p.model_name)) ? (p.min_size + 31) / 32 * 32 : p.image_size;
  const double macs = spec.forward_macs(p.model_size, size, data_.classes) * spec.mac_time_factor;
  const double train = 3.0 * macs * double(data_.train_images);  // forward + backward (about twice the forward)
  const double validate = macs * double(data_.validation_images) / std::max(1, p.evaluation_frequency);
  return correction_ * (train + validate) / std::max(1.0, macs_per_second_);
}

void CostModel::calibrate(const std::vector<PastTrial>& past) {
  std::vector<double> ratios;
  for (const auto& t : past) {
    // The estimate included the correction of its time: the uncorrected estimate is est / used.
    const double est = t.meta.value("estimated_epoch_seconds", 0.0);
    const double used = t.meta.value("cost_correction", 1.0);
    if (est > 0 && used > 0 && t.mean_epoch_seconds > 0) ratios.push_back(t.mean_epoch_seconds * used / est);
  }
  if (ratios.empty()) return;
  std::sort(ratios.begin(), ratios.end());
  const std::size_t n = ratios.size();
  correction_ = n % 2 ? ratios[n / 2] : 0.5 * (ratios[n / 2 - 1] + ratios[n / 2]);
}

TrainingParams trial_params(const JobSpec& spec, const sweep::TrialConfig& config) {
  TrainingParams p = spec.params;
  std::vector<std::string> notes;
  sweep::apply_trial(p, config, notes);
  return p;
}

namespace {

// An entry of another family than the job names (or a sizeless one when it names a size), or
// starting elsewhere than the job says (none or coco), would only repeat another entry under
// the job's values: it is left out. Returns why ("" when it fits).
std::string fits_the_job(const JobSpec& spec, const PortfolioEntry& e) {
  if (spec.param_where.count("model_name") && spec.params.model_name != e.model_name)
    return "the job sets model_name: " + spec.params.model_name;
  if (spec.param_where.count("model_size") && e.model_size.empty())
    return "the job sets model_size, which " + e.model_name + " does not have";
  const std::string& w = spec.params.pretrained_weights;
  if (spec.param_where.count("pretrained_weights") && (w == "none" || w == "coco") && w != e.weights)
    return "the job sets pretrained_weights: " + w;
  return "";
}

class AutoModeSource : public TrialSource {
 public:
  AutoModeSource(const JobSpec& spec, CostModel cost, const WeightsAtHand& at_hand)
      : spec_(spec), cost_(std::move(cost)) {
    // Decided once, when the job starts: a pull during the job does not reorder its plan.
    for (const auto& e : automode_portfolio()) usable_.push_back(fits_the_job(spec_, e).empty() && (!at_hand || at_hand(e)));
  }

  bool stops_when_over_budget() const override { return false; }

  std::optional<Proposal> next(const std::vector<PastTrial>& past, std::optional<double> remaining) override {
    cost_.calibrate(past);
    for (const auto& t : past)
      if (is_refit(t.meta)) return std::nullopt;  // the refit is the job's last trial
    // Once a trial has finished, the refit of the best one is kept room for, in time and in
    // max_trials, whenever it fits at all: nothing else starts unless it leaves that room.
    std::optional<Proposal> refit;
    if (const PastTrial* best = best_finished(past)) refit = refit_of(*best);
    if (refit && remaining && *refit->estimated_minutes > *remaining) refit = refit_cut_to_fit(*refit, *remaining);
    std::optional<double> left = remaining;
    if (refit && remaining) left = *remaining - *refit->estimated_minutes;
    const bool slot_besides_refit = !refit || int(past.size()) + 2 <= spec_.limits.max_trials;

    int after = -1;
    for (const auto& t : past) after = std::max(after, t.meta.value("portfolio_index", -1));
    const auto& portfolio = automode_portfolio();
    std::optional<Proposal> cheapest;
    bool cheapest_pretrained = false;
    // Once a fine-tuned trial has a result, training from scratch cannot catch up in CPU minutes
    // (docs/automode.md): the time left goes to refining the best trial instead.
    bool fine_tuned = false;
    for (const auto& t : past) {
      const int i = t.meta.value("portfolio_index", -1);
      if (t.finished && t.objective && i >= 0 && i < int(portfolio.size()) && portfolio[std::size_t(i)].pretrained())
        fine_tuned = true;
    }
    // Before any fine-tuned trial has a result, a pretrained entry that fits with at least half of
    // its epochs, cut to the epochs that fit, starts before any entry from scratch: on a slow
    // machine a short fine-tune still beats a full trial from random weights (docs/automode.md).
    std::optional<Proposal> shortened;
    for (int i = after + 1; slot_besides_refit && i < int(portfolio.size()); ++i) {
      if (!usable_[std::size_t(i)]) continue;
      const bool pretrained = portfolio[std::size_t(i)].pretrained();
      if (fine_tuned && !pretrained) break;
      Proposal p = estimated(config_of(portfolio[std::size_t(i)].to_values()), "portfolio");
      p.portfolio_index = i;
      if (!left || *p.estimated_minutes <= *left) return !pretrained && shortened ? *shortened : p;
      if (portfolio[std::size_t(i)].costly()) continue;  // never a trial cut short
      if (pretrained && !fine_tuned && !shortened) shortened = cut_to_fit(p, *left);
      // Nothing fitting, a fine-tuned model cut at the deadline still beats one from scratch.
      if (!cheapest || (pretrained && !cheapest_pretrained) ||
          (pretrained == cheapest_pretrained && *p.estimated_minutes < *cheapest->estimated_minutes)) {
        cheapest = p;
        cheapest_pretrained = pretrained;
      }
    }
    if (shortened) return shortened;
    if (past.empty()) return cheapest;  // nothing fits: one model cut at the deadline beats none
    if (slot_besides_refit && (!left || *left > 0))
      if (auto r = refine(past, left)) return r;
    if (!refit) return std::nullopt;
    for (const auto& t : past)
      if (!t.finished) return std::nullopt;  // the best configuration may still change
    return refit;
  }

 private:
  // The job's explicit training_parameters win over the portfolio's (R2.9).
  sweep::TrialConfig config_of(nlohmann::json values) const {
    for (const auto& [name, _] : spec_.param_where) values.erase(name);
    return sweep::TrialConfig{0, std::move(values)};
  }

  Proposal estimated(sweep::TrialConfig config, const std::string& source) const {
    Proposal p;
    p.config = std::move(config);
    p.source = source;
    // Trained from scratch, a model often scores 0 for its first 10 or more epochs; Azure's
    // early stopping (delay 5, patience 5) would end every trial at epoch 11 on small datasets
    // like raccoon. AutoMode delays it to half the trial's epochs unless the job sets the delay.
    if (!spec_.param_where.count("early_stopping_delay"))
      p.config.values["early_stopping_delay"] = std::max(5, trial_params(spec_, p.config).number_of_epochs / 2);
    const TrainingParams params = trial_params(spec_, p.config);
    p.estimated_epoch_seconds = cost_.epoch_seconds(params);
    p.cost_correction = cost_.correction();
    p.estimated_minutes = p.estimated_epoch_seconds * params.number_of_epochs / 60.0;
    return p;
  }

  // How many of p's epochs fit in `minutes` (0 when its epoch time is unknown).
  static int epochs_that_fit(const Proposal& p, double minutes) {
    return p.estimated_epoch_seconds > 0 ? int(std::floor(minutes * 60.0 / p.estimated_epoch_seconds)) : 0;
  }

  // The proposal with as many epochs as fit in `minutes`, when that is at least half of its own
  // and the job does not set number_of_epochs itself.
  std::optional<Proposal> cut_to_fit(const Proposal& p, double minutes) const {
    if (spec_.param_where.count("number_of_epochs")) return std::nullopt;
    const int full = trial_params(spec_, p.config).number_of_epochs;
    const int fit = epochs_that_fit(p, minutes);
    if (fit < 1 || 2 * fit < full) return std::nullopt;
    sweep::TrialConfig config = p.config;
    config.values["number_of_epochs"] = std::min(fit, full);
    config.values.erase("early_stopping_delay");  // follows number_of_epochs (estimated())
    Proposal cut = estimated(std::move(config), p.source);
    cut.portfolio_index = p.portfolio_index;
    return cut;
  }

  static const PastTrial* best_finished(const std::vector<PastTrial>& past) {
    const PastTrial* best = nullptr;
    for (const auto& t : past)
      if (t.finished && t.objective && (!best || *t.objective > *best->objective)) best = &t;
    return best;
  }

  // The best trial's configuration on the training and validation images, for the epochs it took
  // to reach its best (counted on the smaller set; with more images each epoch has more steps),
  // evaluated once at the end, no early stopping: without held-out images nothing can pick an epoch.
  std::optional<Proposal> refit_of(const PastTrial& best) const {
    if (best.id.empty() || best.best_epoch < 0 || cost_.data().validation_images == 0) return std::nullopt;
    Proposal p;
    p.config = best.config;
    const int epochs = best.best_epoch + 1;
    p.config.values["number_of_epochs"] = epochs;
    p.config.values["early_stopping"] = false;
    p.config.values["evaluation_frequency"] = epochs;
    p.config.values.erase("early_stopping_delay");
    p.source = kRefitSource;
    p.refit_of = best.id;
    const TrainingParams params = trial_params(spec_, p.config);
    const CostModel all = cost_.with_training_images(cost_.data().train_images + cost_.data().validation_images);
    p.estimated_epoch_seconds = all.epoch_seconds(params);
    p.cost_correction = all.correction();
    p.estimated_minutes = p.estimated_epoch_seconds * params.number_of_epochs / 60.0;
    return p;
  }

  // A refit that does not fit in full, cut to the epochs that do when it still sees as many images
  // as the trial it refits saw up to its best epoch: with the validation images added each epoch
  // has more steps, so (train + validation) x epochs >= train x best epochs. Otherwise none.
  std::optional<Proposal> refit_cut_to_fit(const Proposal& full, double minutes) const {
    if (spec_.param_where.count("number_of_epochs")) return std::nullopt;
    const DataSize& d = cost_.data();
    const int epochs = trial_params(spec_, full.config).number_of_epochs;
    const int least = std::max(1, int(std::ceil(double(epochs) * d.train_images / double(d.train_images + d.validation_images))));
    const int fit = std::min(epochs, epochs_that_fit(full, minutes));
    if (fit < least) return std::nullopt;
    Proposal cut = full;
    cut.config.values["number_of_epochs"] = fit;
    cut.config.values["evaluation_frequency"] = fit;
    cut.estimated_minutes = full.estimated_epoch_seconds * fit / 60.0;
    return cut;
  }

  // TPE over a small space around the best finished trial; the trials that lie in it are its history.
  std::optional<Proposal> refine(const std::vector<PastTrial>& past, std::optional<double> remaining) const {
    const PastTrial* best = best_finished(past);
    if (!best) return std::nullopt;
    const TrainingParams b = trial_params(spec_, best->config);
    nlohmann::json sub = nlohmann::json::object();
    for (auto it = best->config.values.begin(); it != best->config.values.end(); ++it) sub[it.key()] = it.value();
    sub.erase("early_stopping_delay");  // follows number_of_epochs (estimated())
    if (!spec_.param_where.count("learning_rate"))
      sub["learning_rate"] = {{"type", "loguniform"},
                              {"min_value", std::log(b.learning_rate / 3)},
                              {"max_value", std::log(std::min(0.1, b.learning_rate * 3))}};
    if (!spec_.param_where.count("number_of_epochs") && b.number_of_epochs >= 4)
      sub["number_of_epochs"] = {{"type", "quniform"},
                                 {"min_value", std::max(1, int(b.number_of_epochs * 0.75))},
                                 {"max_value", int(b.number_of_epochs * 1.5)},
                                 {"q", 1}};
    // The input size: image_size, or min_size for torchvision's detectors.
    const bool tv = is_rcnn_like(model_family(b.model_name));
    const std::string size_key = tv ? "min_size" : "image_size";
    if (!spec_.param_where.count(size_key)) {
      const int base = tv ? b.min_size : b.image_size;
      nlohmann::json sizes = nlohmann::json::array();
      for (int s : {base - 64, base, base + 64})
        if (s >= 128) sizes.push_back(s);
      sub[size_key] = {{"type", "choice"}, {"values", sizes}};
    }
    const sweep::SearchSpace space = sweep::parse_search_space(nlohmann::json::array({sub}), "AutoMode refinement");
    std::vector<sweep::Observation> history;
    for (const auto& t : past)
      if (!is_refit(t.meta) && in_space(space.subspaces[0], t.config))
        history.push_back({t.config, t.finished ? t.objective : std::nullopt});
    sweep::TpeOptions o;
    o.n_startup_trials = 0;  // the portfolio trials in the space are the start-up
    sweep::TpeSampler tpe(space, sweep::stream_seed(job_seed(spec_.params), 0xA070), o);
    for (int attempt = 0; attempt < 8; ++attempt) {
      auto config = tpe.suggest(history);
      if (!config) return std::nullopt;
      Proposal p = estimated(*config, "refine");
      if (!remaining || *p.estimated_minutes <= *remaining) return p;
      history.push_back({*config, std::nullopt});  // another draw next time
    }
    return std::nullopt;
  }

  // Whether a trial's fixed values match the sub-space's and its choices are among the sub-space's.
  static bool in_space(const sweep::SubSpace& sub, const sweep::TrialConfig& t) {
    for (const auto& p : sub.params) {
      if (!t.values.contains(p.name)) return false;
      const auto& v = t.values[p.name];
      if (!p.dist && v != p.fixed) return false;
      if (p.dist && p.dist->categorical() &&
          std::find(p.dist->values.begin(), p.dist->values.end(), v) == p.dist->values.end())
        return false;
    }
    return true;
  }

  JobSpec spec_;
  CostModel cost_;
  std::vector<bool> usable_;  // per portfolio entry: its weights are at hand
};

}  // namespace

std::unique_ptr<TrialSource> make_automode_source(const JobSpec& spec, CostModel cost, WeightsAtHand at_hand) {
  return std::make_unique<AutoModeSource>(spec, std::move(cost), at_hand);
}

std::vector<std::string> portfolio_left_out(const JobSpec& spec, const CostModel& cost,
                                            const std::vector<PlannedTrial>& plan, const WeightsAtHand& at_hand) {
  const auto& portfolio = automode_portfolio();
  std::vector<std::string> why(portfolio.size());
  std::vector<bool> planned(portfolio.size(), false);
  bool fine_tunes = false;
  for (const auto& t : plan) {
    const int i = t.proposal.portfolio_index;
    if (i >= 0 && i < int(portfolio.size())) {
      planned[std::size_t(i)] = true;
      fine_tunes = fine_tunes || portfolio[std::size_t(i)].pretrained();
    }
  }
  bool cpu = true;
  try {
    cpu = parse_device(spec.params.device).is_cpu();
  } catch (const UsageError&) {  // a GPU this machine lacks: the job refuses to start anyway
  }
  for (std::size_t i = 0; i < portfolio.size(); ++i) {
    if (planned[i]) continue;
    const auto& e = portfolio[i];
    if (auto f = fits_the_job(spec, e); !f.empty()) {
      why[i] = f;
      continue;
    }
    if (at_hand && !at_hand(e)) {
      why[i] = "its COCO weights are not in the weights cache (autodet weights pull " + e.model_name +
               (e.model_size.empty() ? "" : "-" + e.model_size) + "-" + e.weights + ")";
      continue;
    }
    sweep::TrialConfig config{0, e.to_values()};
    for (const auto& [name, _] : spec.param_where) config.values.erase(name);
    const double minutes = cost.minutes(trial_params(spec, config));
    if (spec.limits.timeout_minutes && minutes > *spec.limits.timeout_minutes) {
      why[i] = fmt::format("estimated {:.0f} min here, more than the {}-minute timeout", minutes, *spec.limits.timeout_minutes);
      if (e.costly() && cpu) why[i] += " (a GPU, a longer timeout or fewer images let it in)";
      continue;
    }
    if (int(plan.size()) >= spec.limits.max_trials) {
      why[i] = fmt::format("max_trials ({}) is reached before it", spec.limits.max_trials);
      continue;
    }
    why[i] = fine_tunes && !e.pretrained() ? "trains from scratch: runs only when no fine-tuned trial finishes"
                                           : fmt::format("the {:.0f} min it needs are not left after the earlier trials", minutes);
  }
  return why;
}

std::vector<PlannedTrial> plan_trials(TrialSource& source, const Limits& limits) {
  std::vector<double> free_at(std::size_t(std::max(1, limits.max_concurrent_trials)), 0.0);
  std::vector<PastTrial> past;
  std::vector<PlannedTrial> plan;
  while (int(plan.size()) < limits.max_trials) {
    auto slot = std::min_element(free_at.begin(), free_at.end());
    std::optional<double> remaining;
    if (limits.timeout_minutes) remaining = *limits.timeout_minutes - *slot;
    auto p = source.next(past, remaining);
    if (!p) break;
    // A sequential sampler ends the plan with the first proposal that does not fit, unless it is
    // the job's first trial (TrialSource::next).
    if (!past.empty() && remaining && p->estimated_minutes && *p->estimated_minutes > *remaining) break;
    PastTrial t;
    t.config = p->config;
    t.meta = p->to_json();
    past.push_back(t);
    plan.push_back({*p, *slot});
    *slot += p->estimated_minutes.value_or(0);
  }
  return plan;
}

}  // namespace autodet
