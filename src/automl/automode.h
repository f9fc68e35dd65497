#pragma once
// AutoMode (spec §5, R2.11): max_trials > 1 with no search_space and no sweep. autodet's own
// policy (docs/automode.md): an ordered portfolio of YOLOv5 configurations that train from
// scratch on a CPU, each started only when its estimated training time fits in what is left of
// timeout_minutes, then TPE refinement around the best finished configuration.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "automl/job_spec.h"
#include "automl/trial_source.h"

namespace autodet {

// One configuration of the portfolio (job-level parameter names in to_values()).
struct PortfolioEntry {
  std::string model_size;
  int image_size = 320;
  std::string optimizer;
  double learning_rate = 0;
  int epochs = 0;
  int batch = 16;
  std::string why;  // one line: what this entry tries

  nlohmann::json to_values() const;
};

// The portfolio, in the order it is tried.
const std::vector<PortfolioEntry>& automode_portfolio();

// The sizes of the job's data that training time depends on.
struct DataSize {
  std::size_t train_images = 0;
  std::size_t validation_images = 0;
  int classes = 1;
};

// Training time of a configuration: convolution MACs of the architecture at its image size
// (yolo_cost.h) x images x epochs, divided by the machine's measured training MACs per second,
// times a correction learnt from finished trials (their measured epoch times over the estimates).
class CostModel {
 public:
  CostModel(DataSize data, double macs_per_second) : data_(data), macs_per_second_(macs_per_second) {}
  // Seconds of one epoch: training all images and, every evaluation_frequency epochs, validating.
  double epoch_seconds(const TrainingParams& params) const;
  double minutes(const TrainingParams& params) const { return epoch_seconds(params) * params.number_of_epochs / 60.0; }
  // Learns the correction from the past trials that ran at least one epoch (median of actual / estimated).
  void calibrate(const std::vector<PastTrial>& past);
  double correction() const { return correction_; }
  double macs_per_second() const { return macs_per_second_; }
  const DataSize& data() const { return data_; }

 private:
  DataSize data_;
  double macs_per_second_;
  double correction_ = 1.0;
};

// AutoMode's trial source: the portfolio (skipping entries that do not fit the remaining time),
// then refinement of the best finished trial with TPE over learning_rate (x1/3 .. x3, log scale),
// number_of_epochs (x0.75 .. x1.5) and image_size (+-64), model size, optimizer and batch kept.
// Parameters the job sets in training_parameters keep the job's value (R2.9).
std::unique_ptr<TrialSource> make_automode_source(const JobSpec& spec, CostModel cost);

// The job's parameters with a trial's values laid over them.
TrainingParams trial_params(const JobSpec& spec, const sweep::TrialConfig& config);

// A dry run: the trials a job would start, in order, with their estimated minutes and start
// times, simulated on max_concurrent_trials slots within timeout_minutes (no results: AutoMode's
// refinement, which needs them, is summarised rather than listed).
struct PlannedTrial {
  Proposal proposal;
  double start_minute = 0;
};
std::vector<PlannedTrial> plan_trials(TrialSource& source, const Limits& limits);

}  // namespace autodet
