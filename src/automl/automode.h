#pragma once
// AutoMode (spec §5, R2.11): max_trials > 1 with no search_space and no sweep. autodet's own
// policy (docs/automode.md): an ordered portfolio of configurations across families, fine-tuned
// from the published COCO weights in the cache first, then trained from scratch, each started only
// when its estimated training time fits in what is left of timeout_minutes, then TPE refinement
// around the best finished configuration.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "automl/job_spec.h"
#include "automl/trial_source.h"

namespace autodet {

// One configuration of the portfolio (job-level parameter names in to_values()).
struct PortfolioEntry {
  std::string model_name;
  std::string model_size;  // "" for a sizeless family
  std::string weights;     // pretrained_weights: "coco" (the family's published detector) | "none"
  int image_size = 320;
  std::string optimizer;
  double learning_rate = 0;
  int epochs = 0;
  int batch = 16;
  std::string why;  // one line: what this entry tries
  int layers_to_freeze = 0;  // 0: the family's default

  bool pretrained() const { return weights != "none"; }
  // A torchvision detector (R-CNN, RetinaNet, FCOS): on a CPU it takes hours where a YOLOv5 takes
  // minutes, so it enters only when its estimate fits the time left, never as a trial cut short.
  bool costly() const;
  nlohmann::json to_values() const;
};

// The portfolio, in the order it is tried: pretrained entries first, then training from scratch.
// An entry whose pretrained weights are not in the weights cache is skipped.
const std::vector<PortfolioEntry>& automode_portfolio();

// Whether the weights an entry starts from are at hand (always, for "none").
using WeightsAtHand = std::function<bool(const PortfolioEntry&)>;
bool weights_in_cache(const PortfolioEntry& entry);

// The sizes of the job's data that training time depends on.
struct DataSize {
  std::size_t train_images = 0;
  std::size_t validation_images = 0;
  int classes = 1;
};

// Training time of a configuration: convolution MACs of the architecture at its image size
// (the family's forward_macs) x the family's mac_time_factor x images x epochs, divided by the
// machine's measured training MACs per second (of YOLOv5),
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
  // The same machine and correction for another number of training images (a refit trains on the
  // training and validation images together).
  CostModel with_training_images(std::size_t images) const {
    CostModel c = *this;
    c.data_.train_images = images;
    return c;
  }
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
// Parameters the job sets in training_parameters keep the job's value (R2.9). Last, when it fits
// and every other trial has ended, a refit: the best trial's configuration trained again on the
// training and validation images together for the epochs that trial needed to reach its best, with
// no early stopping; its model becomes the job's best model (docs/automode.md, section 4).
std::unique_ptr<TrialSource> make_automode_source(const JobSpec& spec, CostModel cost,
                                                  WeightsAtHand at_hand = weights_in_cache);

// The job's parameters with a trial's values laid over them.
TrainingParams trial_params(const JobSpec& spec, const sweep::TrialConfig& config);

// Why each portfolio entry is not among the planned trials ("" for those that are): the job
// names another model or start, its weights are not cached, its estimate exceeds the timeout,
// max_trials, or the time the earlier trials leave.
std::vector<std::string> portfolio_left_out(const JobSpec& spec, const CostModel& cost,
                                            const std::vector<struct PlannedTrial>& plan,
                                            const WeightsAtHand& at_hand = weights_in_cache);

// A dry run: the trials a job would start, in order, with their estimated minutes and start
// times, simulated on max_concurrent_trials slots within timeout_minutes (no results: AutoMode's
// refinement, which needs them, is summarised rather than listed).
struct PlannedTrial {
  Proposal proposal;
  double start_minute = 0;
};
std::vector<PlannedTrial> plan_trials(TrialSource& source, const Limits& limits);

}  // namespace autodet
