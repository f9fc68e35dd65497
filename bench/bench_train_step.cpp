// Training throughput of YOLOv5 on the CPU: images/s of a full step (forward, loss, backward,
// SGD update) for nano and small at 320 px, batch 16, fp32 and bf16 autocast; and the share of
// the machine's peak, measured in the same run as the GFLOP/s of a large convolution.
#include <chrono>
#include <thread>

#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include "models/cpu_allocator.h"
#include "models/yolo/yolo_loss.h"
#include "models/yolo/yolov5.h"
#include "train/optimizer.h"
#include "train/precision.h"

namespace {

using namespace autodet;

void set_threads() { at::set_num_threads(int(std::max(1u, std::thread::hardware_concurrency()))); }

// Peak: a 3x3 convolution 256->256 channels on 80x80, batch 8, forward (fp32 or bf16).
void BM_PeakConv(benchmark::State& state) {
  set_threads();
  const bool bf16 = state.range(0) == 1;
  torch::NoGradGuard ng;
  auto x = torch::randn({8, 256, 80, 80});
  auto w = torch::randn({256, 256, 3, 3});
  if (bf16) {
    x = x.to(torch::kBFloat16);
    w = w.to(torch::kBFloat16);
  }
  const double flops = 2.0 * 8 * 256 * 80 * 80 * 256 * 9;
  for (auto _ : state) benchmark::DoNotOptimize(torch::conv2d(x, w, {}, 1, 1));
  state.counters["GFLOP/s"] = benchmark::Counter(flops * double(state.iterations()) / 1e9, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_PeakConv)->Arg(0)->Arg(1)->ArgName("bf16")->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_TrainStep(benchmark::State& state) {
  set_threads();
  const std::string size = state.range(0) == 0 ? "nano" : "small";
  const bool bf16 = state.range(1) == 1;
  const int batch = 16, image = 320;
  models::YoloV5 model(models::config_for_size(size, 4), 1);
  model->train();
  models::YoloLoss loss(model, image);
  auto opt = make_optimizer(*model, OptimizerConfig{});
  torch::manual_seed(0);
  auto x = torch::rand({batch, 3, image, image});
  // 4 boxes per image.
  auto t = torch::zeros({batch * 4, 6});
  for (int i = 0; i < batch * 4; ++i) {
    t[i][0] = i / 4;
    t[i][1] = i % 4;
    t[i][2] = 0.2 + 0.15 * (i % 4);
    t[i][3] = 0.5;
    t[i][4] = 0.1 + 0.05 * (i % 3);
    t[i][5] = 0.15;
  }
  const Precision p = bf16 ? Precision::BF16 : Precision::FP32;
  for (auto _ : state) {
    std::vector<torch::Tensor> raw;
    {
      AutocastScope ac(p, torch::kCPU);
      raw = model->forward(x);
    }
    for (auto& r : raw) r = r.to(torch::kFloat);
    auto res = loss(raw, t);
    opt->zero_grad();
    res.loss.backward();
    opt->step();
  }
  state.counters["images/s"] = benchmark::Counter(double(batch) * double(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_TrainStep)
    ->Args({0, 0})->Args({0, 1})->Args({1, 0})->Args({1, 1})
    ->ArgNames({"small", "bf16"})->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(3.0);

}  // namespace

// As the autodet binary does (cli/main.cpp), before any tensor exists.
static const bool kHugePages = autodet::models::use_huge_page_allocator();

BENCHMARK_MAIN();
