// Faster R-CNN ResNet-50-FPN on the CPU: one training step (forward with the four losses,
// backward, SGD update) on a fixed batch of 2 images at 512 x 512 with two boxes each, and
// batch-1 inference on one of them; conv1 and layer1 frozen as when fine-tuning. bench/run.sh
// puts both next to bench/rcnn_peer.py, torchvision's same network.
#include <cstdlib>
#include <thread>

#include <benchmark/benchmark.h>
#include <torch/csrc/autograd/profiler.h>
#include <torch/torch.h>

#include "models/rcnn/faster_rcnn_detector.h"
#include "models/registry.h"

namespace {

using namespace autodet;

constexpr int kSize = 512;

std::unique_ptr<models::FasterRcnnDetector> make() {
  at::set_num_threads(int(std::max(1u, std::thread::hardware_concurrency())));
  models::FasterRcnnConfig c;
  c.depth = 50;
  c.num_classes = 1;
  c.image_size = kSize;
  c.min_size = kSize;
  c.max_size = kSize;
  auto d = std::make_unique<models::FasterRcnnDetector>(c);
  models::freeze_layers(d->module(), d->freeze_groups(), 2);
  return d;
}

torch::Tensor targets() {
  // Per image [index, class, cx, cy, w, h] normalised: the peer's boxes (40,60)-(200,300) and
  // (250,100)-(480,400).
  std::vector<torch::Tensor> rows;
  for (int i = 0; i < 2; ++i) {
    rows.push_back(torch::tensor({float(i), 0.f, 120.f / kSize, 180.f / kSize, 160.f / kSize, 240.f / kSize}));
    rows.push_back(torch::tensor({float(i), 0.f, 365.f / kSize, 250.f / kSize, 230.f / kSize, 300.f / kSize}));
  }
  return torch::stack(rows);
}

void BM_FasterRcnnR50Step(benchmark::State& state) {
  torch::manual_seed(0);
  auto d = make();
  d->module().train();
  std::vector<torch::Tensor> params;
  for (auto& p : d->module().parameters())
    if (p.requires_grad()) params.push_back(p);
  torch::optim::SGD opt(params, torch::optim::SGDOptions(0.005).momentum(0.9).weight_decay(1e-4));
  auto x = torch::rand({2, 3, kSize, kSize});
  auto t = targets();
  auto step = [&] {
    auto r = d->losses(x, t);
    opt.zero_grad();
    r.total.backward();
    opt.step();
  };
  step();  // warm-up
  // AUTODET_BENCH_PROFILE=FILE: one more step under libtorch's profiler, as a Chrome trace
  // (bench/RESULTS.md sums its convolution time against torchvision's profile).
  if (const char* trace = std::getenv("AUTODET_BENCH_PROFILE"); trace && *trace) {
    torch::autograd::profiler::RecordProfile guard(trace);
    step();
  }
  for (auto _ : state) step();
}
BENCHMARK(BM_FasterRcnnR50Step)->Unit(benchmark::kMillisecond)->Iterations(2)->UseRealTime();

void BM_FasterRcnnR50Infer(benchmark::State& state) {
  torch::manual_seed(0);
  auto d = make();
  d->module().eval();
  auto x = torch::rand({1, 3, kSize, kSize});
  models::DetectOptions o{0.05, 0.5, 100};
  torch::NoGradGuard ng;
  d->detect(x, o, nullptr);
  for (auto _ : state) benchmark::DoNotOptimize(d->detect(x, o, nullptr).boxes);
}
BENCHMARK(BM_FasterRcnnR50Infer)->Unit(benchmark::kMillisecond)->Iterations(2)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
