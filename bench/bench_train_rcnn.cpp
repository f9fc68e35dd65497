// torchvision's detectors on the CPU (Faster R-CNN, RetinaNet and FCOS, ResNet-50-FPN): one
// training step (forward with the losses, backward, SGD update) on a fixed batch of 2 images at
// 512 x 512 with two boxes each, and batch-1 inference on one of them; frozen BatchNorm, conv1
// and layer1 frozen as when fine-tuning. bench/run.sh puts each next to bench/rcnn_peer.py,
// torchvision's same network. Benchmarks are named Step/<model_name> and Infer/<model_name>.
#include <cstdlib>
#include <string>
#include <thread>

#include <benchmark/benchmark.h>
#include <torch/csrc/autograd/profiler.h>
#include <torch/torch.h>

#include "models/registry.h"

namespace {

using namespace autodet;

constexpr int kSize = 512;

std::unique_ptr<models::Detector> make(const std::string& name) {
  at::set_num_threads(int(std::max(1u, std::thread::hardware_concurrency())));
  models::DetectorConfig c;
  c.num_classes = 1;
  c.image_size = kSize;
  c.min_size = kSize;
  c.max_size = kSize;
  c.pretrained = true;  // frozen BatchNorm, as when fine-tuning
  auto d = models::build_detector(name, c);
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

void step_bench(benchmark::State& state, const std::string& name) {
  torch::manual_seed(0);
  auto d = make(name);
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
void infer_bench(benchmark::State& state, const std::string& name) {
  torch::manual_seed(0);
  auto d = make(name);
  d->module().eval();
  auto x = torch::rand({1, 3, kSize, kSize});
  models::DetectOptions o{0.05, 0.5, 100};
  torch::NoGradGuard ng;
  d->detect(x, o, nullptr);
  for (auto _ : state) benchmark::DoNotOptimize(d->detect(x, o, nullptr).boxes);
}
}  // namespace

int main(int argc, char** argv) {
  for (const char* name : {"fasterrcnn_resnet50_fpn", "retinanet_resnet50_fpn", "fcos_resnet50_fpn"}) {
    benchmark::RegisterBenchmark((std::string("Step/") + name).c_str(), step_bench, std::string(name))
        ->Unit(benchmark::kMillisecond)->Iterations(2)->UseRealTime();
    benchmark::RegisterBenchmark((std::string("Infer/") + name).c_str(), infer_bench, std::string(name))
        ->Unit(benchmark::kMillisecond)->Iterations(2)->UseRealTime();
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
