#include "train/ema.h"

#include <cmath>

#include <torch/torch.h>

#include "core/error.h"
#include "package/weight_file.h"

namespace autodet {

ModelEma::ModelEma(const torch::nn::Module& model, double decay, double tau, long updates)
    : decay_(decay), tau_(tau), updates_(updates) {
  torch::NoGradGuard no_grad;
  for (auto& [name, t] : named_state(model)) tensors_.emplace_back(name, t.detach().clone());
}

void ModelEma::update(const torch::nn::Module& model) {
  torch::NoGradGuard no_grad;
  ++updates_;
  const double d = decay_ * (1.0 - std::exp(-double(updates_) / tau_));
  auto current = named_state(model);
  if (current.size() != tensors_.size()) throw Error("EMA: the model's tensors changed since the average was made");
  for (std::size_t i = 0; i < current.size(); ++i) {
    auto& avg = tensors_[i].second;
    const auto& cur = current[i].second;
    if (avg.is_floating_point()) {
      avg.mul_(d).add_(cur.detach(), 1.0 - d);
    } else {
      avg.copy_(cur);  // counters such as BatchNorm's num_batches_tracked
    }
  }
}

void ModelEma::copy_to(torch::nn::Module& model) const {
  torch::NoGradGuard no_grad;
  auto target = named_state(model);
  if (target.size() != tensors_.size()) throw Error("EMA: model does not match the averaged tensors");
  for (std::size_t i = 0; i < target.size(); ++i) target[i].second.copy_(tensors_[i].second);
}

}  // namespace autodet
