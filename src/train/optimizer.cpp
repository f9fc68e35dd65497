#include "train/optimizer.h"

#include <torch/optim.h>

#include "core/error.h"

namespace autodet {

namespace {

// Two groups: weights with decay, biases and normalisation scales without.
template <typename Optimizer, typename Options>
std::unique_ptr<torch::optim::Optimizer> grouped(std::vector<torch::Tensor> decay, std::vector<torch::Tensor> no_decay,
                                                 const Options& options, double weight_decay) {
  std::vector<torch::optim::OptimizerParamGroup> groups;
  Options with = options, without = options;
  with.weight_decay(weight_decay);
  without.weight_decay(0.0);
  if (!decay.empty()) groups.emplace_back(std::move(decay), std::make_unique<Options>(with));
  if (!no_decay.empty()) groups.emplace_back(std::move(no_decay), std::make_unique<Options>(without));
  return std::make_unique<Optimizer>(std::move(groups), with);
}

}  // namespace

std::unique_ptr<torch::optim::Optimizer> make_optimizer(torch::nn::Module& model, const OptimizerConfig& cfg) {
  std::vector<torch::Tensor> decay, no_decay;
  for (auto& p : model.parameters(true)) {
    if (!p.requires_grad()) continue;
    (p.dim() > 1 ? decay : no_decay).push_back(p);
  }
  if (decay.empty() && no_decay.empty()) throw UsageError("every layer is frozen: nothing left to train (lower layers_to_freeze)");
  const double lr = cfg.learning_rate;
  if (cfg.name == "sgd")
    return grouped<torch::optim::SGD>(decay, no_decay,
                                      torch::optim::SGDOptions(lr).momentum(cfg.momentum).nesterov(cfg.nesterov && cfg.momentum > 0),
                                      cfg.weight_decay);
  if (cfg.name == "adam")
    return grouped<torch::optim::Adam>(decay, no_decay,
                                       torch::optim::AdamOptions(lr).betas({cfg.beta1, cfg.beta2}).amsgrad(cfg.amsgrad),
                                       cfg.weight_decay);
  if (cfg.name == "adamw")
    return grouped<torch::optim::AdamW>(decay, no_decay,
                                        torch::optim::AdamWOptions(lr).betas({cfg.beta1, cfg.beta2}).amsgrad(cfg.amsgrad),
                                        cfg.weight_decay);
  throw UsageError("unknown optimizer '" + cfg.name + "' (sgd, adam, adamw)");
}

void set_lr_factor(torch::optim::Optimizer& opt, double base_lr, double factor) {
  for (auto& g : opt.param_groups()) g.options().set_lr(base_lr * factor);
}

double current_lr(torch::optim::Optimizer& opt) {
  return opt.param_groups().empty() ? 0.0 : opt.param_groups()[0].options().get_lr();
}

}  // namespace autodet
