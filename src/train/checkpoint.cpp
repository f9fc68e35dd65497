#include "train/checkpoint.h"

#include <cstdio>
#include <filesystem>
#include <unistd.h>

#include <torch/serialize.h>
#include <torch/torch.h>

#include "core/error.h"
#include "core/fs.h"

namespace autodet {
namespace {

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

void open_archive(torch::serialize::InputArchive& ar, const std::string& path, const torch::Device& device) {
  if (!fs_exists(path)) throw Error(Location{path, 0, "", ""}, "checkpoint does not exist");
  try {
    ar.load_from(path, device);
  } catch (const c10::Error& e) {
    throw Error(Location{path, 0, "", ""}, std::string("not a readable autodet checkpoint: ") + e.what_without_backtrace());
  }
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

}  // namespace

void save_checkpoint(const std::string& path, const torch::nn::Module& model, const ModelEma* ema,
                     torch::optim::Optimizer* optimizer, const nlohmann::json& meta) {
  torch::serialize::OutputArchive ar;
  ar.write("autodet_meta", c10::IValue(meta.dump()));
  write_tensors(ar, "model.", named_state(model));
  if (ema) {
    write_tensors(ar, "ema.", ema->tensors());
    ar.write("ema_updates", c10::IValue(int64_t(ema->updates())));
  }
  if (optimizer) {
    torch::serialize::OutputArchive opt;
    optimizer->save(opt);
    ar.write("optimizer", opt);
  }
  save_atomically(ar, path);
}

nlohmann::json load_checkpoint(const std::string& path, torch::nn::Module& model, ModelEma* ema,
                               torch::optim::Optimizer* optimizer, const torch::Device& device) {
  torch::serialize::InputArchive ar;
  open_archive(ar, path, device);
  nlohmann::json meta = read_meta(ar, path);
  read_tensors(ar, "model.", named_state(model), path);
  if (ema) {
    read_tensors(ar, "ema.", ema->tensors(), path);
    c10::IValue u;
    if (ar.try_read("ema_updates", u) && u.isInt()) ema->set_updates(long(u.toInt()));
  }
  if (optimizer) {
    torch::serialize::InputArchive opt;
    if (!ar.try_read("optimizer", opt)) throw Error(Location{path, 0, "", "optimizer"}, "checkpoint has no optimizer state");
    try {
      optimizer->load(opt);
    } catch (const c10::Error& e) {
      throw Error(Location{path, 0, "", "optimizer"}, std::string("optimizer state does not fit: ") + e.what_without_backtrace());
    }
  }
  return meta;
}

nlohmann::json read_checkpoint_meta(const std::string& path) {
  torch::serialize::InputArchive ar;
  open_archive(ar, path, torch::kCPU);
  return read_meta(ar, path);
}

void save_weights(const std::string& path, const torch::nn::Module& model, const nlohmann::json& meta) {
  save_checkpoint(path, model, nullptr, nullptr, meta);
}

nlohmann::json load_weights(const std::string& path, torch::nn::Module& model, const torch::Device& device) {
  return load_checkpoint(path, model, nullptr, nullptr, device);
}

WeightTransfer load_matching_weights(const std::string& path, torch::nn::Module& model, const torch::Device& device) {
  torch::serialize::InputArchive ar;
  open_archive(ar, path, device);
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
