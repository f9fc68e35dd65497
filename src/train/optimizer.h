#pragma once
// Optimizers of the Azure runtime (R4.6): sgd (momentum, nesterov), adam and adamw (betas,
// amsgrad), with weight decay on weights only: biases and normalisation scales are not decayed,
// as YOLOv5 does. Frozen parameters (requires_grad false) are left out.
#include <memory>
#include <string>

#include <torch/nn/module.h>
#include <torch/optim/optimizer.h>

namespace autodet {

struct OptimizerConfig {
  std::string name = "sgd";  // sgd | adam | adamw
  double learning_rate = 0.01;
  double momentum = 0.9;
  bool nesterov = true;
  double weight_decay = 1e-4;
  double beta1 = 0.9;
  double beta2 = 0.999;
  bool amsgrad = false;
};

std::unique_ptr<torch::optim::Optimizer> make_optimizer(torch::nn::Module& model, const OptimizerConfig& cfg);

// Sets every group's learning rate to its initial LR times factor.
void set_lr_factor(torch::optim::Optimizer& opt, double base_lr, double factor);
double current_lr(torch::optim::Optimizer& opt);

}  // namespace autodet
