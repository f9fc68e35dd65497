#include "package/weight_file.h"

#include <cstdio>
#include <filesystem>
#include <unistd.h>

#include <torch/serialize.h>
#include <torch/torch.h>

#include "core/error.h"
#include "core/fs.h"

namespace autodet {
namespace weight_archive {

void write_tensors(torch::serialize::OutputArchive& ar, const std::string& prefix,
                   const std::vector<std::pair<std::string, torch::Tensor>>& tensors) {
  for (const auto& [name, t] : tensors) ar.write(prefix + name, t.detach().to(torch::kCPU));
}

void read_tensors(torch::serialize::InputArchive& ar, const std::string& prefix,
                  std::vector<std::pair<std::string, torch::Tensor>> tensors, const std::string& path) {
  torch::NoGradGuard no_grad;
  for (auto& [name, t] : tensors) {
    torch::Tensor v;
    if (!ar.try_read(prefix + name, v))
      throw Error(Location{path, 0, "", prefix + name}, "checkpoint lacks this tensor: it was made for another model");
    if (v.sizes() != t.sizes())
      throw Error(Location{path, 0, "", prefix + name}, "tensor shape differs from the model's: another architecture or class count");
    t.copy_(v);
  }
}

void save_atomically(torch::serialize::OutputArchive& ar, const std::string& path) {
  std::string dir = parent_dir(path);
  if (dir != ".") make_dirs(dir);
  std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  try {
    ar.save_to(tmp);
  } catch (const c10::Error& e) {
    std::remove(tmp.c_str());
    throw Error(Location{path, 0, "", ""}, std::string("cannot write checkpoint: ") + e.what_without_backtrace());
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) throw Error(Location{path, 0, "", ""}, "cannot move checkpoint into place: " + ec.message());
}

void open(torch::serialize::InputArchive& ar, const std::string& path, const torch::Device& device) {
  if (!fs_exists(path)) throw Error(Location{path, 0, "", ""}, "checkpoint does not exist");
  try {
    ar.load_from(path, device);
  } catch (const c10::Error& e) {
    throw Error(Location{path, 0, "", ""}, std::string("not a readable autodet checkpoint: ") + e.what_without_backtrace());
  }
}

void write_meta(torch::serialize::OutputArchive& ar, const nlohmann::json& meta) {
  ar.write("autodet_meta", c10::IValue(meta.dump()));
}

nlohmann::json read_meta(torch::serialize::InputArchive& ar, const std::string& path) {
  c10::IValue v;
  if (!ar.try_read("autodet_meta", v) || !v.isString())
    throw Error(Location{path, 0, "", "autodet_meta"}, "checkpoint has no autodet metadata");
  try {
    return nlohmann::json::parse(v.toStringRef());
  } catch (const nlohmann::json::exception& e) {
    throw Error(Location{path, 0, "", "autodet_meta"}, std::string("damaged metadata: ") + e.what());
  }
}

}  // namespace weight_archive

using namespace weight_archive;

std::vector<std::pair<std::string, torch::Tensor>> named_state(const torch::nn::Module& model) {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  for (const auto& p : model.named_parameters(true)) out.emplace_back(p.key(), p.value());
  for (const auto& b : model.named_buffers(true)) out.emplace_back(b.key(), b.value());
  return out;
}

nlohmann::json read_checkpoint_meta(const std::string& path) {
  torch::serialize::InputArchive ar;
  open(ar, path, torch::kCPU);
  return read_meta(ar, path);
}

void save_weights(const std::string& path, const torch::nn::Module& model, const nlohmann::json& meta) {
  torch::serialize::OutputArchive ar;
  write_meta(ar, meta);
  write_tensors(ar, "model.", named_state(model));
  save_atomically(ar, path);
}

nlohmann::json load_weights(const std::string& path, torch::nn::Module& model, const torch::Device& device) {
  torch::serialize::InputArchive ar;
  open(ar, path, device);
  nlohmann::json meta = read_meta(ar, path);
  read_tensors(ar, "model.", named_state(model), path);
  return meta;
}

WeightTransfer load_matching_weights(const std::string& path, torch::nn::Module& model, const torch::Device& device) {
  torch::serialize::InputArchive ar;
  open(ar, path, device);
  WeightTransfer out;
  out.meta = read_meta(ar, path);
  torch::NoGradGuard no_grad;
  for (auto& [name, t] : named_state(model)) {
    torch::Tensor v;
    if (ar.try_read("model." + name, v) && v.sizes() == t.sizes()) {
      t.copy_(v);
      ++out.loaded;
    } else {
      out.skipped.push_back(name);
    }
  }
  if (out.loaded == 0)
    throw Error(Location{path, 0, "", ""}, "no tensor of this checkpoint fits the model: it was made for another architecture");
  return out;
}

}  // namespace autodet
