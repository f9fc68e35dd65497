#pragma once
// Exponential moving average of a model's weights (R4.10): YOLO evaluates, checkpoints and
// exports the EMA weights. decay(updates) = decay * (1 - exp(-updates / tau)).
#include <string>
#include <utility>
#include <vector>

#include <torch/nn/module.h>

namespace autodet {

class ModelEma {
 public:
  explicit ModelEma(const torch::nn::Module& model, double decay = 0.9999, double tau = 2000.0, long updates = 0);

  // Blends the model's floating-point parameters and buffers into the average.
  void update(const torch::nn::Module& model);
  // Copies the averaged tensors into model (same architecture).
  void copy_to(torch::nn::Module& model) const;
  long updates() const { return updates_; }
  void set_updates(long u) { updates_ = u; }
  const std::vector<std::pair<std::string, torch::Tensor>>& tensors() const { return tensors_; }
  std::vector<std::pair<std::string, torch::Tensor>>& tensors() { return tensors_; }

 private:
  double decay_;
  double tau_;
  long updates_;
  std::vector<std::pair<std::string, torch::Tensor>> tensors_;  // parameters then buffers, model order
};

}  // namespace autodet
