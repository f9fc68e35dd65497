#include "train/optimizer.h"

#include <torch/optim.h>

#include "core/error.h"

namespace autodet {

std::unique_ptr<torch::optim::Optimizer> make_optimizer(torch::nn::Module& model, const OptimizerConfig& cfg) {
  std::vector<torch::Tensor> decay, no_decay;
  for (auto& p : model.parameters(true)) {
    if (!p.requires_grad()) continue;
    (p.dim() > 1 ? decay : no_decay).push_back(p);
  }
  if (decay.empty() && no_decay.empty()) throw UsageError("every layer is frozen: nothing left to train (lower layers_to_freeze)");
  const double lr = cfg.learning_rate;
  if (cfg.name == "sgd") {
    auto opts = [&](double wd) {
      return torch::optim::SGDOptions(lr).momentum(cfg.momentum).nesterov(cfg.nesterov && cfg.momentum > 0).weight_decay(wd);
    };
    std::vector<torch::optim::OptimizerParamGroup> groups;
    if (!decay.empty()) groups.emplace_back(decay, std::make_unique<torch::optim::SGDOptions>(opts(cfg.weight_decay)));
    if (!no_decay.empty()) groups.emplace_back(no_decay, std::make_unique<torch::optim::SGDOptions>(opts(0.0)));
    return std::make_unique<torch::optim::SGD>(std::move(groups), opts(cfg.weight_decay));
  }
  if (cfg.name == "adam") {
    auto opts = [&](double wd) {
      return torch::optim::AdamOptions(lr).betas({cfg.beta1, cfg.beta2}).weight_decay(wd).amsgrad(cfg.amsgrad);
    };
    std::vector<torch::optim::OptimizerParamGroup> groups;
    if (!decay.empty()) groups.emplace_back(decay, std::make_unique<torch::optim::AdamOptions>(opts(cfg.weight_decay)));
    if (!no_decay.empty()) groups.emplace_back(no_decay, std::make_unique<torch::optim::AdamOptions>(opts(0.0)));
    return std::make_unique<torch::optim::Adam>(std::move(groups), opts(cfg.weight_decay));
  }
  if (cfg.name == "adamw") {
    auto opts = [&](double wd) {
      return torch::optim::AdamWOptions(lr).betas({cfg.beta1, cfg.beta2}).weight_decay(wd).amsgrad(cfg.amsgrad);
    };
    std::vector<torch::optim::OptimizerParamGroup> groups;
    if (!decay.empty()) groups.emplace_back(decay, std::make_unique<torch::optim::AdamWOptions>(opts(cfg.weight_decay)));
    if (!no_decay.empty()) groups.emplace_back(no_decay, std::make_unique<torch::optim::AdamWOptions>(opts(0.0)));
    return std::make_unique<torch::optim::AdamW>(std::move(groups), opts(cfg.weight_decay));
  }
  throw UsageError("unknown optimizer '" + cfg.name + "' (sgd, adam, adamw)");
}

void set_lr_factor(torch::optim::Optimizer& opt, double base_lr, double factor) {
  for (auto& g : opt.param_groups()) g.options().set_lr(base_lr * factor);
}

double current_lr(torch::optim::Optimizer& opt) {
  return opt.param_groups().empty() ? 0.0 : opt.param_groups()[0].options().get_lr();
}

}  // namespace autodet
