#pragma once
// Training progress on the terminal (stderr): a live line per batch (epoch, batch, loss parts,
// images/s, ETA) when stderr is a terminal, and one line per epoch with the metrics.
#include <chrono>

#include "train/trainer.h"

namespace autodet {

class ProgressHook : public TrainHook {
 public:
  void on_train_begin(const nlohmann::json& info) override;
  void on_batch_end(int epoch, std::size_t batch, std::size_t batches, const std::map<std::string, double>& values) override;
  void on_epoch_end(const EpochSummary& summary) override;
  void on_train_end(const nlohmann::json& result) override;

 private:
  // "box 0.0123 obj 0.0456 cls 0.0078": the family's losses without their "_loss" suffix.
  std::string loss_parts(const std::map<std::string, double>& values) const;

  std::vector<std::string> loss_names_;
  bool tty_ = false;
  int epochs_ = 0;
  int start_epoch_ = 0;
  std::chrono::steady_clock::time_point start_, last_print_;
};

}  // namespace autodet
