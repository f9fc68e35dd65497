#include "automl/throughput_probe.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include <torch/torch.h>

#include "models/yolo/yolo_cost.h"
#include "models/yolo/yolov5.h"

namespace autodet {

double measure_training_macs_per_second(int threads, double seconds) {
  at::set_num_threads(threads > 0 ? threads : int(std::max(1u, std::thread::hardware_concurrency())));
  torch::manual_seed(1);
  constexpr int kSize = 128, kBatch = 4;
  models::YoloV5 model(models::config_for_size("nano", 1), 1);
  model->train();
  torch::optim::SGD opt(model->parameters(), torch::optim::SGDOptions(0.001).momentum(0.9));
  const torch::Tensor x = torch::rand({kBatch, 3, kSize, kSize});
  auto step = [&] {
    opt.zero_grad();
    torch::Tensor loss = torch::zeros({});
    for (auto& r : model->forward(x)) loss = loss + r.to(torch::kFloat).square().mean();
    loss.backward();
    opt.step();
  };
  step();  // warm-up: allocations, thread pool start
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  int steps = 0;
  double elapsed = 0;
  do {
    step();
    ++steps;
    elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  } while (elapsed < seconds || steps < 2);
  const double macs = training_macs_per_image(yolov5_conv_cost("nano", kSize, 1)) * kBatch * steps;
  return macs / elapsed;
}

}  // namespace autodet
