// FastestDet training throughput on the CPU, batch 16 at 352 x 352, AdamW: images/s of one step
// (forward, loss, backward, update) on a fixed batch, and of the whole loop on raccoon's training
// images (../shared/datasets/raccoon) with the loader's stretch + zoom + HSV + flip augmentation.
// bench/run.sh puts both next to bench/fastestdet_peer.py, the same network in PyTorch.
#include <filesystem>
#include <thread>

#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include "core/diagnostics.h"
#include "data/formats/csv.h"
#include "data/loader/detection_loader.h"
#include "models/cpu_allocator.h"
#include "models/fastestdet/fastestdet_detector.h"
#include "train/optimizer.h"
#include "train/validate_model.h"

namespace {

using namespace autodet;

constexpr int kBatch = 16, kSize = 352;
const char* const kCsv = "../shared/datasets/raccoon/train_labels.csv";
const char* const kImages = "../shared/datasets/raccoon/images";

void set_threads() { at::set_num_threads(int(std::max(1u, std::thread::hardware_concurrency()))); }

OptimizerConfig adamw() {
  OptimizerConfig c;
  c.name = "adamw";
  c.learning_rate = 0.002;
  c.weight_decay = 0.0005;
  return c;
}

void BM_FastestDetStep(benchmark::State& state) {
  set_threads();
  torch::manual_seed(0);
  models::FastestDetDetector d(1, kSize, 0);
  d.module().train();
  auto opt = make_optimizer(d.module(), adamw());
  auto x = torch::rand({kBatch, 3, kSize, kSize});
  auto t = torch::zeros({kBatch, 6});
  for (int i = 0; i < kBatch; ++i) {
    t[i][0] = i;
    t[i][2] = 0.3 + 0.02 * i;
    t[i][3] = 0.5;
    t[i][4] = 0.4;
    t[i][5] = 0.5;
  }
  for (int i = 0; i < 3; ++i) {  // warm-up
    opt->zero_grad();
    d.losses(x, t).total.backward();
    opt->step();
  }
  for (auto _ : state) {
    opt->zero_grad();
    d.losses(x, t).total.backward();
    opt->step();
  }
  state.counters["images/s"] = benchmark::Counter(double(kBatch) * double(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_FastestDetStep)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(5.0);

void BM_FastestDetLoop(benchmark::State& state) {
  if (!std::filesystem::exists(kCsv)) {
    state.SkipWithError("../shared/datasets/raccoon is absent");
    return;
  }
  set_threads();
  ReadOptions ro;
  ro.images_dir = kImages;
  Diagnostics diag;
  Dataset data = read_csv(kCsv, ro, diag);
  LoaderOptions lo;
  lo.image_size = kSize;
  lo.batch_size = kBatch;
  lo.train = true;
  lo.mosaic = false;
  lo.stretch = true;
  lo.augment = true;
  lo.seed = 1;
  DetectionLoader loader(data, data.classes(), lo);
  torch::manual_seed(0);
  models::FastestDetDetector d(int(data.classes().size()), kSize, 0);
  d.module().train();
  auto opt = make_optimizer(d.module(), adamw());
  int epoch = 0;
  loader.start_epoch(epoch);
  auto next = [&]() {
    auto b = loader.next();
    if (!b) {
      loader.start_epoch(++epoch);
      b = loader.next();
    }
    return *b;
  };
  double images = 0;
  for (auto _ : state) {
    Batch b = next();
    auto x = batch_images(b, torch::kCPU);
    auto t = batch_targets(b, torch::kCPU);
    opt->zero_grad();
    d.losses(x, t).total.backward();
    opt->step();
    images += b.size;
  }
  state.counters["images/s"] = benchmark::Counter(images, benchmark::Counter::kIsRate);
  state.counters["starved_s"] = loader.wait_seconds();
}
BENCHMARK(BM_FastestDetLoop)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(30);

}  // namespace

// As the autodet binary does (cli/main.cpp), before any tensor exists.
static const bool kHugePages = autodet::models::use_huge_page_allocator();

BENCHMARK_MAIN();
