#include "data/formats/csv.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  autodet::Diagnostics diag;
  try {
    autodet::read_csv_text(autodet::fuzz::text(data, size), "fuzz.csv", "/nonexistent-autodet-fuzz",
                           autodet::fuzz::options(), diag);
  } catch (const autodet::Error&) {
  }
  return 0;
}
