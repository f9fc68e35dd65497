#include "data/formats/yolo.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  static const std::vector<std::string> names{"a", "b", "c"};
  autodet::Diagnostics diag;
  autodet::ImageRecord rec;
  rec.width = 640;
  rec.height = 480;
  try {
    autodet::read_yolo_labels(autodet::fuzz::text(data, size), "fuzz.txt", names, diag, rec);
  } catch (const autodet::Error&) {
  }
  return 0;
}
