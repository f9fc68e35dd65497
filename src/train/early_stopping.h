#pragma once
// Early stopping and best-epoch tracking exactly as the Azure runtime does it (R4.12, R4.13).
#include <nlohmann/json.hpp>

namespace autodet {

class EarlyStopping {
 public:
  EarlyStopping(bool enabled, int patience, int delay) : enabled_(enabled), patience_(patience), delay_(delay) {}

  // Call after each evaluation. metric_none: validation_metric_type none (every evaluated
  // epoch counts as best). Returns true when this epoch is the new best (save the checkpoint);
  // ties go to the later epoch.
  bool update(int epoch, double score, bool metric_none = false);
  bool should_stop() const { return enabled_ && counter_ > patience_; }

  double best_score() const { return best_score_; }
  int best_epoch() const { return best_epoch_; }
  int counter() const { return counter_; }

  nlohmann::json state() const;
  void load_state(const nlohmann::json& j);

 private:
  bool enabled_;
  int patience_;
  int delay_;
  double best_score_ = 0.0;
  int best_epoch_ = -1;
  int counter_ = 0;
};

}  // namespace autodet
