#include "train/store_hook.h"

namespace autodet {

void StoreHook::on_batch_end(int, std::size_t, std::size_t, const std::map<std::string, double>&) {
  if (++since_heartbeat_ % 20 == 0) store_.heartbeat(trial_, worker_);
}

void StoreHook::on_epoch_end(const EpochSummary& s) {
  std::map<std::string, double> m = s.metrics;
  m["epoch_seconds"] = s.seconds;
  store_.record_epoch_metrics(trial_, s.epoch, m);
  if (!s.evaluation_file.empty()) store_.record_artifact(trial_, "evaluation", s.evaluation_file);
}

}  // namespace autodet
