#pragma once
// Training checkpoints: model weights, EMA weights, optimizer state and the trainer's own
// state (epoch, step, early stopping, ...) as JSON, in one file written atomically, so a
// killed process never leaves a half-written checkpoint and resumes from the last one.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <torch/nn/module.h>
#include <torch/optim/optimizer.h>

#include "train/ema.h"

namespace autodet {

// ema and optimizer may be null.
void save_checkpoint(const std::string& path, const torch::nn::Module& model, const ModelEma* ema,
                     torch::optim::Optimizer* optimizer, const nlohmann::json& meta);

// Loads what save_checkpoint wrote into the given objects (those not null) and returns meta.
// Throws Error naming the file when it is missing, damaged or does not match the model.
nlohmann::json load_checkpoint(const std::string& path, torch::nn::Module& model, ModelEma* ema,
                               torch::optim::Optimizer* optimizer, const torch::Device& device);

// Reads only the JSON meta of a checkpoint.
nlohmann::json read_checkpoint_meta(const std::string& path);

// Weights only (the model package's model.pt): the model's tensors, with meta.
void save_weights(const std::string& path, const torch::nn::Module& model, const nlohmann::json& meta);
nlohmann::json load_weights(const std::string& path, torch::nn::Module& model, const torch::Device& device);

// Incremental training: copies only the tensors present in both with equal shapes (a class head
// made for another class count is left as initialised). Throws when nothing matches.
struct WeightTransfer {
  nlohmann::json meta;
  std::size_t loaded = 0;
  std::vector<std::string> skipped;  // model tensors missing from the file or of another shape
};
WeightTransfer load_matching_weights(const std::string& path, torch::nn::Module& model, const torch::Device& device);

}  // namespace autodet
