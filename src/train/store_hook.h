#pragma once
// Records each epoch's metrics of a trial in the run store (and, at a best epoch, its evaluation
// record as the artefact "evaluation"), and keeps its heartbeat fresh.
#include <string>

#include "store/run_store.h"
#include "train/trainer.h"

namespace autodet {

class StoreHook : public TrainHook {
 public:
  StoreHook(store::RunStore& store, std::string trial, std::string worker)
      : store_(store), trial_(std::move(trial)), worker_(std::move(worker)) {}
  void on_batch_end(int epoch, std::size_t batch, std::size_t batches, const std::map<std::string, double>& values) override;
  void on_epoch_end(const EpochSummary& summary) override;

 private:
  store::RunStore& store_;
  std::string trial_;
  std::string worker_;
  std::size_t since_heartbeat_ = 0;
};

}  // namespace autodet
