// torchvision's detectors on the CPU (Faster R-CNN, RetinaNet and FCOS, ResNet-50-FPN): one
// training step (forward with the losses, backward, SGD update) on a fixed batch of 2 images at
// 512 x 512 with two boxes each, and batch-1 inference on one of them; frozen BatchNorm, conv1
// and layer1 frozen as when fine-tuning. bench/run.sh puts each next to bench/rcnn_peer.py,
// torchvision's same network. Benchmarks are named Step/<model_name> and Infer/<model_name>.
// RoiAlign/<layout> times RoIAlign's forward and backward alone at the box head's sizes (1,024
// RoIs of 7 x 7 on a 2 x 256 x 128 x 128 map, the FPN's finest level at 512 px).
#include <cstdlib>
#include <string>
#include <thread>

#include <benchmark/benchmark.h>
#include <torch/csrc/autograd/profiler.h>
#include <torch/torch.h>

#include "models/cpu_allocator.h"
#include "models/ops/roi_align.h"
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
void roi_align_bench(benchmark::State& state, bool channels_last) {
  at::set_num_threads(int(std::max(1u, std::thread::hardware_concurrency())));
  torch::manual_seed(0);
  auto x = torch::randn({2, 256, 128, 128});
  if (channels_last) x = x.contiguous(torch::MemoryFormat::ChannelsLast);
  x.requires_grad_(true);
  // RoIs of 8 to 120 pixels anywhere in the 512 x 512 images, half on each.
  auto xy = torch::rand({1024, 2}) * 400, wh = torch::rand({1024, 2}) * 112 + 8;
  auto index = (torch::arange(1024) % 2).to(torch::kFloat).unsqueeze(1);
  auto rois = torch::cat({index, xy, xy + wh}, 1);
  auto g = torch::randn({1024, 256, 7, 7});
  for (auto _ : state) {
    x.mutable_grad() = torch::Tensor();
    auto y = models::roi_align(x, rois, 0.25, 7, 7, 2, false);
    y.backward(g);
    benchmark::DoNotOptimize(x.grad().data_ptr());
  }
}
}  // namespace

int main(int argc, char** argv) {
  autodet::models::use_huge_page_allocator();  // as the autodet binary does (cli/main.cpp)
  for (const char* name : {"fasterrcnn_resnet50_fpn", "retinanet_resnet50_fpn", "fcos_resnet50_fpn"}) {
    benchmark::RegisterBenchmark((std::string("Step/") + name).c_str(), step_bench, std::string(name))
        ->Unit(benchmark::kMillisecond)->Iterations(2)->UseRealTime();
    benchmark::RegisterBenchmark((std::string("Infer/") + name).c_str(), infer_bench, std::string(name))
        ->Unit(benchmark::kMillisecond)->Iterations(2)->UseRealTime();
  }
  benchmark::RegisterBenchmark("RoiAlign/nchw", roi_align_bench, false)->Unit(benchmark::kMillisecond)->UseRealTime();
  benchmark::RegisterBenchmark("RoiAlign/channels_last", roi_align_bench, true)->Unit(benchmark::kMillisecond)->UseRealTime();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
