#include "automl/trial_source.h"

#include <yaml-cpp/yaml.h>  // parse_search_space/parse_sweep overloads need the complete type

#include "automl/automode.h"
#include "automl/job_data.h"
#include "automl/sweep/sampler.h"
#include "automl/sweep/search_space.h"
#include "automl/sweep/sweep_settings.h"

namespace autodet {

nlohmann::json Proposal::to_json() const {
  nlohmann::json j{{"subspace", config.subspace}, {"values", config.values}, {"source", source}};
  if (portfolio_index >= 0) j["portfolio_index"] = portfolio_index;
  if (!refit_of.empty()) j["refit_of"] = refit_of;
  if (estimated_minutes) j["estimated_minutes"] = *estimated_minutes;
  if (estimated_epoch_seconds > 0) {
    j["estimated_epoch_seconds"] = estimated_epoch_seconds;
    j["cost_correction"] = cost_correction;
  }
  return j;
}

std::vector<sweep::Observation> sampler_history(const std::vector<PastTrial>& past) {
  std::vector<sweep::Observation> h;
  for (const auto& p : past) h.push_back({p.config, p.finished ? p.objective : std::nullopt});
  return h;
}

namespace {

class ManualSweepSource : public TrialSource {
 public:
  ManualSweepSource(const JobSpec& spec, const CostModel* cost)
      : spec_(spec),
        cost_(cost ? std::optional<CostModel>(*cost) : std::nullopt),
        space_(sweep::parse_search_space(spec.search_space, spec.source_file)),
        settings_(sweep::parse_sweep(spec.sweep, spec.source_file)),
        sampler_(sweep::make_sampler(settings_.sampling, space_, job_seed(spec.params))) {}

  std::optional<Proposal> next(const std::vector<PastTrial>& past, std::optional<double>) override {
    auto config = sampler_->suggest(sampler_history(past));
    if (!config) return std::nullopt;
    Proposal p;
    p.config = std::move(*config);
    p.source = settings_.sampling.algorithm == sweep::SamplingAlgorithm::Grid       ? "grid"
               : settings_.sampling.algorithm == sweep::SamplingAlgorithm::Bayesian ? "bayesian"
                                                                                    : "random";
    if (cost_) {
      cost_->calibrate(past);
      const TrainingParams params = trial_params(spec_, p.config);
      p.estimated_epoch_seconds = cost_->epoch_seconds(params);
      p.cost_correction = cost_->correction();
      p.estimated_minutes = p.estimated_epoch_seconds * params.number_of_epochs / 60.0;
      return p;
    }
    double sum = 0;
    int n = 0;
    for (const auto& t : past)
      if (t.finished && t.objective && t.minutes > 0) sum += t.minutes, ++n;
    if (n > 0) p.estimated_minutes = sum / n;
    return p;
  }

 private:
  JobSpec spec_;
  std::optional<CostModel> cost_;
  sweep::SearchSpace space_;
  sweep::SweepSettings settings_;
  std::unique_ptr<sweep::Sampler> sampler_;
};

}  // namespace

std::unique_ptr<TrialSource> make_manual_sweep_source(const JobSpec& spec, const CostModel* cost) {
  return std::make_unique<ManualSweepSource>(spec, cost);
}

}  // namespace autodet
