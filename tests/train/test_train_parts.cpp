#include <cmath>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/error.h"
#include "models/registry.h"
#include "models/yolo/yolov5.h"
#include "test_util.h"
#include "train/checkpoint.h"
#include "train/early_stopping.h"
#include "train/ema.h"
#include "train/lr_schedule.h"
#include "train/optimizer.h"
#include "train/precision.h"

using namespace autodet;
using namespace autodet::testing;

TEST(LrSchedule, WarmupCosineMatchesR4_7) {
  WarmupCosine s{10, 2, 30, 0.45};
  EXPECT_DOUBLE_EQ(s.factor(0), 0.0);
  EXPECT_DOUBLE_EQ(s.factor(5), 0.25);
  EXPECT_DOUBLE_EQ(s.factor(20), 1.0);  // end of warm-up: progress 0
  // progress = (155 - 20) / 280 = 0.482142857...; 0.5 (1 + cos(pi * 0.9 * 0.482142857))
  EXPECT_NEAR(s.factor(155), 0.5 * (1 + std::cos(M_PI * 0.9 * (135.0 / 280.0))), 1e-15);
  // With cycles 0.45 the LR never reaches zero.
  EXPECT_NEAR(s.factor(300), 0.5 * (1 + std::cos(M_PI * 0.9)), 1e-15);
  EXPECT_GT(s.factor(300), 0.02);
  WarmupCosine none{10, 0, 5, 0.5};
  EXPECT_DOUBLE_EQ(none.factor(0), 1.0);
  EXPECT_NEAR(none.factor(50), 0.0, 1e-15);
}

TEST(LrSchedule, StepLr) {
  StepSchedule s{5, 0.5};
  EXPECT_DOUBLE_EQ(s.factor(0), 1.0);
  EXPECT_DOUBLE_EQ(s.factor(4), 1.0);
  EXPECT_DOUBLE_EQ(s.factor(5), 0.5);
  EXPECT_DOUBLE_EQ(s.factor(12), 0.25);
}

TEST(EarlyStoppingR4_12, CounterDelayAndTies) {
  EarlyStopping es(true, 2, 3);
  // epochs 0..2 are inside the delay: the counter does not move.
  EXPECT_TRUE(es.update(0, 0.1));
  EXPECT_FALSE(es.update(1, 0.05));
  EXPECT_EQ(es.counter(), 0);
  EXPECT_TRUE(es.update(2, 0.3));
  EXPECT_FALSE(es.update(3, 0.2));  // counter 1
  EXPECT_TRUE(es.update(4, 0.3));   // tie: new best epoch, counter stays (not strictly better)
  EXPECT_EQ(es.best_epoch(), 4);
  EXPECT_EQ(es.counter(), 2);
  EXPECT_FALSE(es.should_stop());
  EXPECT_FALSE(es.update(5, 0.1));  // counter 3 > patience 2
  EXPECT_TRUE(es.should_stop());
  EXPECT_DOUBLE_EQ(es.best_score(), 0.3);
  EarlyStopping copy(true, 2, 3);
  copy.load_state(es.state());
  EXPECT_EQ(copy.counter(), 3);
  EXPECT_EQ(copy.best_epoch(), 4);
  EarlyStopping off(false, 0, 0);
  off.update(0, 0.0);
  off.update(1, 0.0);
  EXPECT_FALSE(off.should_stop());
  EarlyStopping none(true, 1, 0);
  EXPECT_TRUE(none.update(3, 0.0, true));
  EXPECT_EQ(none.best_epoch(), 3);
}

namespace {
struct TinyNet : torch::nn::Module {
  TinyNet() {
    conv = register_module("conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(3, 4, 3).bias(false)));
    bn = register_module("bn", torch::nn::BatchNorm2d(4));
    fc = register_module("fc", torch::nn::Linear(4, 2));
  }
  torch::Tensor forward(torch::Tensor x) {
    x = torch::relu(bn(conv(x)));
    return fc(x.mean({2, 3}));
  }
  torch::nn::Conv2d conv{nullptr};
  torch::nn::BatchNorm2d bn{nullptr};
  torch::nn::Linear fc{nullptr};
};
}  // namespace

TEST(ModelEmaR4_10, BlendsWithRampedDecay) {
  torch::manual_seed(0);
  TinyNet net;
  ModelEma ema(net, 0.9999, 2000.0);
  auto before = ema.tensors()[0].second.clone();
  {
    torch::NoGradGuard g;
    for (auto& p : net.parameters()) p.add_(1.0);
  }
  ema.update(net);
  const double d = 0.9999 * (1 - std::exp(-1.0 / 2000.0));
  EXPECT_TRUE(torch::allclose(ema.tensors()[0].second, before * d + (before + 1.0) * (1 - d), 1e-6, 1e-6));
  TinyNet other;
  ema.copy_to(other);
  EXPECT_TRUE(torch::equal(other.conv->weight, ema.tensors()[0].second));
}

TEST(Optimizer, DecayOnlyOnWeightsAndLrFactor) {
  TinyNet net;
  auto opt = make_optimizer(net, OptimizerConfig{"sgd", 0.01, 0.9, true, 5e-4});
  ASSERT_EQ(opt->param_groups().size(), 2u);
  auto& g0 = static_cast<torch::optim::SGDOptions&>(opt->param_groups()[0].options());
  auto& g1 = static_cast<torch::optim::SGDOptions&>(opt->param_groups()[1].options());
  EXPECT_EQ(opt->param_groups()[0].params().size(), 2u);  // conv and fc weights
  EXPECT_DOUBLE_EQ(g0.weight_decay(), 5e-4);
  EXPECT_DOUBLE_EQ(g1.weight_decay(), 0.0);
  EXPECT_TRUE(g0.nesterov());
  set_lr_factor(*opt, 0.01, 0.5);
  EXPECT_DOUBLE_EQ(current_lr(*opt), 0.005);
  EXPECT_DOUBLE_EQ(g1.lr(), 0.005);
  for (const char* name : {"adam", "adamw"}) EXPECT_NO_THROW(make_optimizer(net, OptimizerConfig{name}));
  EXPECT_THROW(make_optimizer(net, OptimizerConfig{"rmsprop"}), UsageError);
  for (auto& p : net.parameters()) p.set_requires_grad(false);
  EXPECT_THROW(make_optimizer(net, OptimizerConfig{}), UsageError);
}

TEST(Checkpoint, RoundTripsModelEmaOptimizerAndMeta) {
  TempDir t;
  torch::manual_seed(1);
  TinyNet net;
  ModelEma ema(net);
  auto opt = make_optimizer(net, OptimizerConfig{"adamw", 0.001});
  auto loss = net.forward(torch::randn({2, 3, 8, 8})).sum();
  loss.backward();
  opt->step();
  ema.update(net);
  save_checkpoint(t / "ck.pt", net, &ema, opt.get(), {{"epoch", 3}, {"classes", {"a", "b"}}});

  torch::manual_seed(2);
  TinyNet net2;
  ModelEma ema2(net2);
  auto opt2 = make_optimizer(net2, OptimizerConfig{"adamw", 0.001});
  auto meta = load_checkpoint(t / "ck.pt", net2, &ema2, opt2.get(), torch::kCPU);
  EXPECT_EQ(meta["epoch"], 3);
  EXPECT_TRUE(torch::equal(net.fc->weight, net2.fc->weight));
  EXPECT_TRUE(torch::equal(net.bn->running_mean, net2.bn->running_mean));
  EXPECT_EQ(ema2.updates(), 1);
  EXPECT_TRUE(torch::equal(ema.tensors()[1].second, ema2.tensors()[1].second));
  // The optimizer's moments came back: one more identical step gives identical weights.
  for (auto* n : {&net, &net2}) {
    torch::manual_seed(5);
    n->zero_grad();
    n->forward(torch::randn({2, 3, 8, 8})).sum().backward();
  }
  opt->step();
  opt2->step();
  EXPECT_TRUE(torch::allclose(net.fc->weight, net2.fc->weight));
  EXPECT_EQ(read_checkpoint_meta(t / "ck.pt")["classes"][1], "b");
}

TEST(Checkpoint, DamagedOrForeignFilesAreClearErrors) {
  TempDir t;
  TinyNet net;
  write_text(t / "junk.pt", "not a checkpoint");
  EXPECT_THROW(load_checkpoint(t / "junk.pt", net, nullptr, nullptr, torch::kCPU), Error);
  EXPECT_THROW(load_checkpoint(t / "missing.pt", net, nullptr, nullptr, torch::kCPU), Error);
  struct Other : torch::nn::Module {
    Other() { register_module("fc", torch::nn::Linear(3, 3)); }
  } other;
  save_weights(t / "other.pt", other, {{"x", 1}});
  try {
    load_weights(t / "other.pt", net, torch::kCPU);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("other.pt"), std::string::npos);
  }
}

TEST(Checkpoint, MatchingWeightsSkipTheHeadOfAnotherClassCount) {
  TempDir t;
  models::YoloV5 two(models::config_for_size("nano", 2), 1);
  save_weights(t / "two.pt", *two, {{"architecture", {{"model_name", "yolov5"}}}});
  models::YoloV5 three(models::config_for_size("nano", 3), 7);
  const auto head_before = three->named_parameters()["model.24.m.0.weight"].clone();
  WeightTransfer wt = load_matching_weights(t / "two.pt", *three, torch::kCPU);
  EXPECT_EQ(wt.meta["architecture"]["model_name"], "yolov5");
  // The three output convolutions (weight and bias) depend on the class count; nothing else does.
  ASSERT_EQ(wt.skipped.size(), 6u);
  for (const auto& name : wt.skipped) EXPECT_NE(name.find("model.24.m."), std::string::npos) << name;
  EXPECT_EQ(wt.loaded + 6, named_state(*three).size());
  EXPECT_TRUE(torch::equal(three->named_parameters()["model.0.conv.weight"], two->named_parameters()["model.0.conv.weight"]));
  EXPECT_TRUE(torch::equal(three->named_parameters()["model.24.m.0.weight"], head_before));
  EXPECT_TRUE(torch::equal(three->named_buffers()["model.24.anchors"], two->named_buffers()["model.24.anchors"]));

  TinyNet net;  // nothing in common: a clear error naming the file
  try {
    load_matching_weights(t / "two.pt", net, torch::kCPU);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("two.pt"), std::string::npos) << e.what();
  }
}

TEST(Precision, ResolveAndScope) {
  EXPECT_EQ(resolve_precision("fp32", torch::kCPU), Precision::FP32);
  EXPECT_EQ(resolve_precision("bf16", torch::kCPU), Precision::BF16);
  EXPECT_EQ(resolve_precision("auto", torch::kCPU), cpu_has_amx_bf16() ? Precision::BF16 : Precision::FP32);
  EXPECT_THROW(resolve_precision("fp8", torch::kCPU), UsageError);
  auto a = torch::randn({4, 8}), b = torch::randn({8, 4});
  {
    AutocastScope s(Precision::BF16, torch::kCPU);
    EXPECT_EQ(torch::mm(a, b).scalar_type(), torch::kBFloat16);
  }
  EXPECT_EQ(torch::mm(a, b).scalar_type(), torch::kFloat);
}
