// Reading Azure JSONL: 10,000 lines x 10 boxes, sizes from image_details (no image decode).
// Prints lines/s; bench/run.sh compares it with the Python runtime's way of reading the same
// file (json.loads per line + float() per coordinate), measured in the same run.
#include <cstdio>
#include <string>

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include "core/fs.h"
#include "core/rng.h"
#include "data/formats/jsonl.h"

namespace {

std::string make_jsonl(int lines, int boxes) {
  autodet::Rng rng(1);
  std::string s;
  for (int i = 0; i < lines; ++i) {
    s += fmt::format(R"({{"image_url":"images/{:06d}.jpg","image_details":{{"format":"jpg","width":640,"height":480}},"label":[)", i);
    for (int b = 0; b < boxes; ++b) {
      double x0 = rng.uniform(0, 0.8), y0 = rng.uniform(0, 0.8);
      s += fmt::format(R"({}{{"label":"class_{}","topX":{},"topY":{},"bottomX":{},"bottomY":{},"isCrowd":0}})", b ? "," : "",
                       rng.below(20), x0, y0, x0 + rng.uniform(0.01, 0.2), y0 + rng.uniform(0.01, 0.2));
    }
    s += "]}\n";
  }
  return s;
}

const std::string& bench_file() {
  static const std::string path = [] {
    std::string p = "/tmp/autodet_bench_10k.jsonl";
    autodet::write_file_atomic(p, make_jsonl(10000, 10));
    return p;
  }();
  return path;
}

void BM_ReadJsonl10kLines10Boxes(benchmark::State& state) {
  const std::string& path = bench_file();
  autodet::ReadOptions opts;
  opts.image_check = autodet::ImageCheck::None;
  std::size_t boxes = 0;
  for (auto _ : state) {
    autodet::Diagnostics diag;
    autodet::Dataset ds = autodet::read_jsonl(path, opts, diag);
    if (!diag.ok() || ds.images.size() != 10000) state.SkipWithError("unexpected read result");
    boxes = ds.box_count();
    benchmark::DoNotOptimize(ds);
  }
  state.counters["lines/s"] = benchmark::Counter(10000.0 * double(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["boxes"] = double(boxes);
}
BENCHMARK(BM_ReadJsonl10kLines10Boxes)->Unit(benchmark::kMillisecond)->MinTime(2.0);

}  // namespace

BENCHMARK_MAIN();
