#include "automl/automode.h"

#include <algorithm>
#include <cmath>

#include <yaml-cpp/yaml.h>  // parse_search_space/parse_sweep overloads need the complete type

#include "automl/job_data.h"
#include "automl/sweep/sampler.h"
#include "automl/sweep/search_space.h"
#include "automl/sweep/tpe_sampler.h"
#include "models/registry.h"

namespace autodet {

nlohmann::json PortfolioEntry::to_values() const {
  // The portfolio is tuned for training from scratch: its trials say so, rather than failing for
  // want of YOLOv5 weights that are not in the cache (a job's own pretrained_weights wins, R2.9).
  return {{"model_name", "yolov5"},   {"model_size", model_size}, {"pretrained_weights", "none"}, {"image_size", image_size},
          {"optimizer", optimizer},   {"learning_rate", learning_rate}, {"number_of_epochs", epochs},
          {"training_batch_size", batch}};
}

const std::vector<PortfolioEntry>& automode_portfolio() {
  // Ordered by expected value per minute on a CPU, training from scratch: AdamW at 0.002 reaches
  // a useful mAP in far fewer epochs than SGD at 0.01, and nano at 320 pixels is the cheapest
  // configuration that still finds medium-sized objects.
  static const std::vector<PortfolioEntry> p = {
      {"nano", 320, "adamw", 0.002, 30, 16, "the cheap baseline: smallest model, AdamW"},
      {"small", 320, "adamw", 0.002, 30, 16, "twice the width: more capacity at the same resolution"},
      {"nano", 416, "adamw", 0.002, 40, 16, "higher resolution for small objects"},
      {"nano", 320, "adamw", 0.005, 40, 16, "a larger step size, longer"},
      {"small", 416, "adamw", 0.001, 40, 16, "capacity and resolution together"},
      {"nano", 320, "sgd", 0.01, 50, 16, "the Azure default optimizer (SGD 0.01), given more epochs"},
      {"medium", 320, "adamw", 0.001, 30, 8, "a deeper, wider model"},
      {"small", 512, "adamw", 0.001, 40, 8, "high resolution"},
  };
  return p;
}

double CostModel::epoch_seconds(const TrainingParams& p) const {
  // A family that cannot train here yet (the R-CNN names) is costed as YOLOv5 of its model_size,
  // as before families had their own cost model: its trials fail when they start anyway.
  const std::string family = models::is_registered_detector(p.model_name) ? p.model_name : "yolov5";
  const double macs = models::family_spec(family).forward_macs(p.model_size, p.image_size, data_.classes);
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

class AutoModeSource : public TrialSource {
 public:
  AutoModeSource(const JobSpec& spec, CostModel cost) : spec_(spec), cost_(std::move(cost)) {}

  bool stops_when_over_budget() const override { return false; }

  std::optional<Proposal> next(const std::vector<PastTrial>& past, std::optional<double> remaining) override {
    cost_.calibrate(past);
    int after = -1;
    for (const auto& t : past) after = std::max(after, t.meta.value("portfolio_index", -1));
    const auto& portfolio = automode_portfolio();
    std::optional<Proposal> cheapest;
    for (int i = after + 1; i < int(portfolio.size()); ++i) {
      Proposal p = estimated(config_of(portfolio[std::size_t(i)].to_values()), "portfolio");
      p.portfolio_index = i;
      if (!remaining || *p.estimated_minutes <= *remaining) return p;
      if (!cheapest || *p.estimated_minutes < *cheapest->estimated_minutes) cheapest = p;
    }
    if (past.empty()) return cheapest;  // nothing fits: one model cut at the deadline beats none
    return refine(past, remaining);
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

  // TPE over a small space around the best finished trial; the trials that lie in it are its history.
  std::optional<Proposal> refine(const std::vector<PastTrial>& past, std::optional<double> remaining) const {
    const PastTrial* best = nullptr;
    for (const auto& t : past)
      if (t.finished && t.objective && (!best || *t.objective > *best->objective)) best = &t;
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
    if (!spec_.param_where.count("image_size")) {
      nlohmann::json sizes = nlohmann::json::array();
      for (int s : {b.image_size - 64, b.image_size, b.image_size + 64})
        if (s >= 128) sizes.push_back(s);
      sub["image_size"] = {{"type", "choice"}, {"values", sizes}};
    }
    const sweep::SearchSpace space = sweep::parse_search_space(nlohmann::json::array({sub}), "AutoMode refinement");
    std::vector<sweep::Observation> history;
    for (const auto& t : past)
      if (in_space(space.subspaces[0], t.config)) history.push_back({t.config, t.finished ? t.objective : std::nullopt});
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
};

}  // namespace

std::unique_ptr<TrialSource> make_automode_source(const JobSpec& spec, CostModel cost) {
  return std::make_unique<AutoModeSource>(spec, std::move(cost));
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
