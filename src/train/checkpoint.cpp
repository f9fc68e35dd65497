#include "train/checkpoint.h"

#include <torch/serialize.h>
#include <torch/torch.h>

#include "core/error.h"
#include "package/weight_file.h"

namespace autodet {

void save_checkpoint(const std::string& path, const torch::nn::Module& model, const ModelEma* ema,
                     torch::optim::Optimizer* optimizer, const nlohmann::json& meta) {
  torch::serialize::OutputArchive ar;
  weight_archive::write_meta(ar, meta);
  weight_archive::write_tensors(ar, "model.", named_state(model));
  if (ema) {
    weight_archive::write_tensors(ar, "ema.", ema->tensors());
    ar.write("ema_updates", c10::IValue(int64_t(ema->updates())));
  }
  if (optimizer) {
    torch::serialize::OutputArchive opt;
    optimizer->save(opt);
    ar.write("optimizer", opt);
  }
  weight_archive::save_atomically(ar, path);
}

nlohmann::json load_checkpoint(const std::string& path, torch::nn::Module& model, ModelEma* ema,
                               torch::optim::Optimizer* optimizer, const torch::Device& device) {
  torch::serialize::InputArchive ar;
  weight_archive::open(ar, path, device);
  nlohmann::json meta = weight_archive::read_meta(ar, path);
  weight_archive::read_tensors(ar, "model.", named_state(model), path);
  if (ema) {
    weight_archive::read_tensors(ar, "ema.", ema->tensors(), path);
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

}  // namespace autodet
