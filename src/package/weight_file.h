#pragma once
// autodet's own weight files (a package's model.pt, a trial's best.pt): the model's tensors by
// name with JSON metadata, in one libtorch archive written atomically. The archive primitives are
// shared with train/'s resumable checkpoints, which add the EMA and optimizer state.
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
#include <torch/nn/module.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

namespace autodet {

// The model's parameters then buffers, by name, in a fixed order.
std::vector<std::pair<std::string, torch::Tensor>> named_state(const torch::nn::Module& model);

// Weights only (the model package's model.pt): the model's tensors, with meta.
void save_weights(const std::string& path, const torch::nn::Module& model, const nlohmann::json& meta);
// Loads every tensor of the model from path; throws Error naming the file and tensor when one is
// missing or of another shape. Returns the meta.
nlohmann::json load_weights(const std::string& path, torch::nn::Module& model, const torch::Device& device);
// Reads only the JSON meta of a weight file or checkpoint.
nlohmann::json read_checkpoint_meta(const std::string& path);

// Incremental training: copies only the tensors present in both with equal shapes (a class head
// made for another class count is left as initialised). Throws when nothing matches.
struct WeightTransfer {
  nlohmann::json meta;
  std::size_t loaded = 0;
  std::vector<std::string> skipped;  // model tensors missing from the file or of another shape
};
WeightTransfer load_matching_weights(const std::string& path, torch::nn::Module& model, const torch::Device& device);

// The archive primitives, for files that hold more than weights.
namespace weight_archive {
void write_tensors(torch::serialize::OutputArchive& ar, const std::string& prefix,
                   const std::vector<std::pair<std::string, torch::Tensor>>& tensors);
// Copies the archive's prefix+name into each tensor; Error naming path and tensor when one is
// missing or of another shape.
void read_tensors(torch::serialize::InputArchive& ar, const std::string& prefix,
                  std::vector<std::pair<std::string, torch::Tensor>> tensors, const std::string& path);
void save_atomically(torch::serialize::OutputArchive& ar, const std::string& path);
void open(torch::serialize::InputArchive& ar, const std::string& path, const torch::Device& device);
void write_meta(torch::serialize::OutputArchive& ar, const nlohmann::json& meta);
nlohmann::json read_meta(torch::serialize::InputArchive& ar, const std::string& path);
}  // namespace weight_archive

}  // namespace autodet
