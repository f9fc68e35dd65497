#include "models/weights/torch_file.h"

#include "core/error.h"
#include "models/weights/legacy_format.h"
#include "models/weights/unpickler.h"

namespace autodet::models::weights {

TorchFile::TorchFile(std::string_view bytes, std::string file) : file_(std::move(file)) {
  if (looks_like_legacy(bytes)) {
    auto legacy = parse_legacy(bytes, file_, tree_);
    root_ = legacy.root;
    legacy_storages_ = std::move(legacy.storages);
    return;
  }
  if (!looks_like_zip(bytes))
    throw DataError(Location{file_, 0, "", ""}, "not a PyTorch file (neither a zip archive nor the legacy torch.save format)");
  zip_.emplace(bytes, file_);
  const ZipEntry* pickle = nullptr;
  for (const auto& e : zip_->entries()) {
    const auto slash = e.name.find('/');
    if (slash != std::string::npos && e.name.substr(slash + 1) == "data.pkl") {
      pickle = &e;
      prefix_ = e.name.substr(0, slash + 1);
      break;
    }
  }
  if (!pickle) throw DataError(Location{file_, 0, "", ""}, "zip archive without a <folder>/data.pkl entry: not a torch.save file");
  if (const ZipEntry* order = zip_->find(prefix_ + "byteorder"); order && zip_->read(*order) != "little")
    throw DataError(Location{file_, 0, "zip entry " + order->name, ""}, "the tensors are stored big-endian");
  const std::string data = prefix_ + "data/";
  for (const auto& e : zip_->entries())
    if (e.name.compare(0, data.size(), data) == 0) zip_storages_.emplace(e.name.substr(data.size()), &e);
  root_ = unpickle(zip_->read(*pickle), PickleSource{file_, pickle->name, bytes.size()}, tree_);
}

std::string_view TorchFile::storage_bytes(ValueId storage, const std::string& tensor_name) const {
  const Value& s = tree_.at(storage);
  const std::uint64_t want = static_cast<std::uint64_t>(s.number) * element_size(s.scalar);  // bounded by the unpickler
  std::string_view bytes;
  if (zip_) {
    const auto it = zip_storages_.find(s.text);
    if (it == zip_storages_.end())
      throw DataError(Location{file_, 0, "zip entry " + prefix_ + "data/" + s.text, tensor_name}, "storage entry missing from the archive");
    bytes = zip_->read(*it->second);
  } else {
    const auto it = legacy_storages_.find(s.text);
    if (it == legacy_storages_.end()) throw DataError(Location{file_, 0, "storage '" + s.text + "'", tensor_name}, "storage missing from the file");
    bytes = it->second;
  }
  if (bytes.size() < want)
    throw DataError(Location{file_, 0, "storage '" + s.text + "'", tensor_name},
                    "storage holds " + std::to_string(bytes.size()) + " bytes, the pickle says " + std::to_string(want));
  return bytes.substr(0, want);
}

}  // namespace autodet::models::weights
