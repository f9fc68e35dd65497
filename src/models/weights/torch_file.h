#pragma once
// A torch.save file parsed from memory, zip (torch >= 1.6) or legacy: the pickled object as a
// ValueTree and the raw bytes behind each storage it refers to. No libtorch needed.
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "models/weights/pickle_value.h"
#include "models/weights/zip_archive.h"

namespace autodet::models::weights {

// The parsed file over bytes the caller keeps alive.
class TorchFile {
 public:
  // Throws DataError naming `file` (and the entry or part) when the bytes are not a readable torch.save file.
  TorchFile(std::string_view bytes, std::string file);
  TorchFile(const TorchFile&) = delete;
  TorchFile& operator=(const TorchFile&) = delete;

  const std::string& file() const { return file_; }
  const ValueTree& tree() const { return tree_; }
  ValueId root() const { return root_; }
  // The bytes of a Storage value: numel * element size, checked to be present in the file.
  // Errors name the storage and tensor_name.
  std::string_view storage_bytes(ValueId storage, const std::string& tensor_name) const;

 private:
  std::string file_;
  ValueTree tree_;
  ValueId root_ = 0;
  std::optional<ZipArchive> zip_;
  std::string prefix_;  // the archive's folder, e.g. "archive/"
  std::unordered_map<std::string, const ZipEntry*> zip_storages_;
  std::unordered_map<std::string, std::string_view> legacy_storages_;
};

}  // namespace autodet::models::weights
