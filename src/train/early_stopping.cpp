#include "train/early_stopping.h"

namespace autodet {

bool EarlyStopping::update(int epoch, double score, bool metric_none) {
  if (metric_none) {
    best_epoch_ = epoch;
    return true;
  }
  if (epoch >= delay_) ++counter_;
  if (score > best_score_) counter_ = 0;
  if (score >= best_score_) {
    best_epoch_ = epoch;
    best_score_ = score;
    return true;
  }
  return false;
}

nlohmann::json EarlyStopping::state() const {
  return {{"best_score", best_score_}, {"best_epoch", best_epoch_}, {"counter", counter_}};
}

void EarlyStopping::load_state(const nlohmann::json& j) {
  best_score_ = j.at("best_score").get<double>();
  best_epoch_ = j.at("best_epoch").get<int>();
  counter_ = j.at("counter").get<int>();
}

}  // namespace autodet
