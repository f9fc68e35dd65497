#include "data/formats/voc.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  autodet::Diagnostics diag;
  autodet::ImageRecord rec;
  try {
    autodet::read_voc_annotation(autodet::fuzz::text(data, size), "fuzz.xml", "/nonexistent-autodet-fuzz",
                                 autodet::fuzz::options(), diag, rec);
  } catch (const autodet::Error&) {
  }
  return 0;
}
