// Fuzzes the torch.save parsers (zip archive, pickle machine, legacy layout, tensor naming) on
// raw bytes, and checks that every tensor view they accept lies inside its storage's bytes.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/error.h"
#include "models/weights/tensor_names.h"
#include "models/weights/torch_file.h"
#include "models/weights/unpickler.h"

namespace w = autodet::models::weights;

namespace {

// The highest element a view touches must be inside the bytes read_pth will copy.
void check_view(const w::Value& view, std::string_view bytes, std::size_t element) {
  std::int64_t last = view.number;
  for (std::size_t d = 0; d < view.sizes.size(); ++d) {
    if (view.sizes[d] == 0) return;
    last += (view.sizes[d] - 1) * view.strides[d];
  }
  if (static_cast<std::uint64_t>(last) >= bytes.size() / element) std::abort();
}

void read_file(std::string_view bytes) {
  const w::TorchFile file(bytes, "fuzz.pth");
  std::string picked;
  const auto entry = w::pick_entry(file.tree(), file.root(), "", file.file(), &picked);
  for (const auto& ref : w::collect_tensors(file.tree(), entry, picked, file.file())) {
    const auto& view = file.tree().at(ref.tensor);
    check_view(view, file.storage_bytes(view.ref, ref.name), w::element_size(file.tree().at(view.ref).scalar));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  try {
    read_file(bytes);
  } catch (const autodet::Error&) {
  }
  // The bare pickle machine too, so opcodes are reached without a valid archive around them.
  try {
    w::ValueTree tree;
    w::unpickle(bytes, w::PickleSource{"fuzz.pkl", "pickle", size}, tree);
  } catch (const autodet::Error&) {
  }
  return 0;
}
