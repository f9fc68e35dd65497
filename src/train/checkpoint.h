#pragma once
// Training checkpoints: model weights, EMA weights, optimizer state and the trainer's own
// state (epoch, step, early stopping, ...) as JSON, in one file written atomically, so a
// killed process never leaves a half-written checkpoint and resumes from the last one.
// Weight-only files (model.pt, best.pt) are package/weight_file.h's.
#include <string>

#include <nlohmann/json.hpp>
#include <torch/nn/module.h>
#include <torch/optim/optimizer.h>

#include "package/weight_file.h"
#include "train/ema.h"

namespace autodet {

// ema and optimizer may be null.
void save_checkpoint(const std::string& path, const torch::nn::Module& model, const ModelEma* ema,
                     torch::optim::Optimizer* optimizer, const nlohmann::json& meta);

// Loads what save_checkpoint wrote into the given objects (those not null) and returns meta.
// Throws Error naming the file when it is missing, damaged or does not match the model.
nlohmann::json load_checkpoint(const std::string& path, torch::nn::Module& model, ModelEma* ema,
                               torch::optim::Optimizer* optimizer, const torch::Device& device);

}  // namespace autodet
