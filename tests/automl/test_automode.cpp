// AutoMode's cost model and plan, and the trial history a resumed sweep rebuilds from the store.
#include <regex>
#include <sstream>

#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "automl/automode.h"
#include "automl/job_spec.h"
#include "automl/sweep/sampler.h"
#include "automl/sweep/search_space.h"
#include "automl/sweep/sweep_settings.h"
#include "automl/sweep_runner.h"
#include "automl/trial_source.h"
#include "models/yolo/yolo_cost.h"
#include "core/fs.h"
#include "data/synth.h"
#include "models/registry.h"
#include "models/yolo/yolov5.h"
#include "store/workspace.h"
#include "test_util.h"

using namespace autodet;
using namespace autodet::testing;
using nlohmann::json;

// The published YOLOv5 v6.0 figures (80 classes, 640 pixels): GFLOPs = 2 x GMACs.
TEST(YoloCost, MatchesThePublishedFlops) {
  const std::pair<const char*, double> published[] = {
      {"nano", 4.5}, {"small", 16.5}, {"medium", 49.0}, {"large", 109.1}, {"extra_large", 205.7}};
  for (const auto& [size, gflops] : published) {
    const double got = 2 * yolov5_conv_cost(size, 640, 80).macs / 1e9;
    EXPECT_NEAR(got / gflops, 1.0, 0.03) << size << ": " << got << " GFLOPs";
  }
  // MACs grow with the square of the image size.
  EXPECT_NEAR(yolov5_conv_cost("small", 320, 3).macs * 4, yolov5_conv_cost("small", 640, 3).macs, 1.0);
  EXPECT_THROW(yolov5_conv_cost("huge", 640, 1), UsageError);
}

// The formula walks the same graph as the model: its convolution weights add up to the model's.
TEST(YoloCost, CountsTheModelsConvolutionWeights) {
  for (const char* size : {"nano", "medium"}) {
    models::YoloV5 model(models::config_for_size(size, 3), 1);
    double weights = 0;
    for (const auto& p : model->named_parameters())
      if (p.value().dim() == 4) weights += double(p.value().numel());
    EXPECT_DOUBLE_EQ(yolov5_conv_cost(size, 320, 3).weights, weights) << size;
  }
}

// The correction is actual / uncorrected estimate: a trial estimated with an earlier correction
// does not pull it back towards 1.
TEST(AutoMode, CostCorrectionLearnsFromUncorrectedEstimates) {
  CostModel cost(DataSize{200, 50, 1}, 20e9);
  EXPECT_DOUBLE_EQ(cost.correction(), 1.0);
  PastTrial first;
  first.finished = true;
  first.meta = {{"estimated_epoch_seconds", 10.0}, {"cost_correction", 1.0}};
  first.mean_epoch_seconds = 5;
  cost.calibrate({first});
  EXPECT_DOUBLE_EQ(cost.correction(), 0.5);
  // Estimated with 0.5 (5 s) and it took 5 s: the machine is still half as slow as the MACs say.
  PastTrial second = first;
  second.meta = {{"estimated_epoch_seconds", 5.0}, {"cost_correction", 0.5}};
  cost.calibrate({first, second});
  EXPECT_DOUBLE_EQ(cost.correction(), 0.5);
  // A trial that never ran an epoch says nothing.
  PastTrial empty = first;
  empty.mean_epoch_seconds = 0;
  cost.calibrate({first, second, empty});
  EXPECT_DOUBLE_EQ(cost.correction(), 0.5);
}

TEST(AutoMode, PortfolioSkipsWhatDoesNotFitAndKeepsExplicitParameters) {
  JobSpec spec = parse_job_yaml_text(
      "type: automl\ntask: image_object_detection\ntarget_column_name: label\ntraining_data: {path: d}\n"
      "limits: {max_trials: 10, max_concurrent_trials: 2}\ntraining_parameters: {number_of_epochs: 5}\n",
      "job.yml", "/tmp");
  ASSERT_EQ(spec.mode(), JobMode::AutoMode);
  const CostModel cost(DataSize{200, 50, 1}, 20e9);
  // Without weights in the cache: the entries that train from scratch.
  const WeightsAtHand scratch = [](const PortfolioEntry& e) { return e.weights == "none"; };
  std::size_t scratch_entries = 0;
  for (const auto& e : automode_portfolio()) scratch_entries += e.weights == "none";
  auto source = make_automode_source(spec, cost, scratch);
  auto first = source->next({}, std::nullopt);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->source, "portfolio");
  EXPECT_EQ(automode_portfolio()[std::size_t(first->portfolio_index)].weights, "none");
  EXPECT_EQ(first->config.values["pretrained_weights"], "none");
  EXPECT_FALSE(first->config.values.contains("number_of_epochs"));  // the job's 5 epochs stay (R2.9)
  EXPECT_EQ(trial_params(spec, first->config).number_of_epochs, 5);
  EXPECT_EQ(trial_params(spec, first->config).optimizer, "adamw");
  // With 0.1 minutes left nothing of the portfolio fits. A job's first trial is still proposed:
  // the cheapest entry, to be stopped at the deadline. A later one is not, and without results
  // nothing is refined.
  auto forced = source->next({}, 0.1);
  ASSERT_TRUE(forced);
  Limits unlimited = spec.limits;
  unlimited.timeout_minutes = 100000;
  for (const auto& p : plan_trials(*make_automode_source(spec, cost, scratch), unlimited))
    EXPECT_LE(*forced->estimated_minutes, *p.proposal.estimated_minutes);
  EXPECT_GT(*forced->estimated_minutes, 0.1);
  PastTrial started;
  started.config = forced->config;
  started.meta = forced->to_json();
  EXPECT_FALSE(source->next({started}, 0.1));
  // Within 12 minutes on two slots the plan keeps every trial inside the limit.
  spec.limits.timeout_minutes = 12;
  auto plan = plan_trials(*make_automode_source(spec, cost, scratch), spec.limits);
  ASSERT_FALSE(plan.empty());
  for (const auto& p : plan) EXPECT_LE(p.start_minute + *p.proposal.estimated_minutes, 12.0 + 1e-9);
  spec.limits.timeout_minutes = 100000;
  EXPECT_EQ(plan_trials(*make_automode_source(spec, cost, scratch), spec.limits).size(), scratch_entries);
  // Once trials have finished, refinement proposes configurations near the best one.
  std::vector<PastTrial> past;
  for (std::size_t i = 0; i < scratch_entries; ++i) {
    PastTrial t;
    auto p = source->next(past, std::nullopt);
    ASSERT_TRUE(p);
    t.config = p->config;
    t.meta = p->to_json();
    t.finished = true;
    t.objective = i == 2 ? 0.8 : 0.1 * double(i % 3);
    past.push_back(t);
  }
  auto refine = source->next(past, std::nullopt);
  ASSERT_TRUE(refine);
  EXPECT_EQ(refine->source, "refine");
  EXPECT_EQ(refine->config.values["model_size"], "nano");  // the best entry's model and optimizer
  const double lr = refine->config.values["learning_rate"].get<double>();
  EXPECT_GE(lr, 0.002 / 3 - 1e-12);
  EXPECT_LE(lr, 0.002 * 3 + 1e-12);
}

// With the published weights at hand AutoMode fine-tunes first: YOLOv5n from COCO, then
// FastestDet from COCO, then the sizes whose weights are cached, and only then trains from scratch.
// A job that names a family or says pretrained_weights: none gets only the entries that fit it.
TEST(AutoMode, PretrainedEntriesComeFirstWhenTheirWeightsAreAtHand) {
  const std::string head =
      "type: automl\ntask: image_object_detection\ntarget_column_name: label\ntraining_data: {path: d}\n"
      "limits: {max_trials: 20}\n";
  const CostModel cost(DataSize{128, 32, 1}, 20e9);
  // Each planned trial's model, size and start, as it trains (the job's own values laid over).
  auto first_of = [&](const std::string& tail, const WeightsAtHand& at_hand) {
    JobSpec spec = parse_job_yaml_text(head + tail, "job.yml", "/tmp");
    std::vector<nlohmann::json> order;
    for (const auto& p : plan_trials(*make_automode_source(spec, cost, at_hand), spec.limits)) {
      const TrainingParams t = trial_params(spec, p.proposal.config);
      nlohmann::json v = p.proposal.config.values;
      v["model_name"] = t.model_name;
      v["pretrained_weights"] = t.pretrained_weights;
      order.push_back(v);
    }
    return order;
  };
  const WeightsAtHand all = [](const PortfolioEntry&) { return true; };
  const WeightsAtHand nano_only = [](const PortfolioEntry& e) {
    return e.weights == "none" || (e.model_name == "yolov5" && e.model_size == "nano");
  };
  auto order = first_of("", all);
  ASSERT_GE(order.size(), 4u);
  EXPECT_EQ(order[0]["model_name"], "yolov5");
  EXPECT_EQ(order[0]["model_size"], "nano");
  EXPECT_EQ(order[0]["pretrained_weights"], "coco");
  EXPECT_EQ(order[1]["model_name"], "fastestdet");
  EXPECT_EQ(order[1]["pretrained_weights"], "coco");
  EXPECT_FALSE(order[1].contains("model_size"));  // sizeless
  bool scratch_seen = false;  // every pretrained entry before every scratch one
  for (const auto& v : order) {
    // Packages fuse six passes, except torchvision's detectors' (minutes per pass on a CPU).
    if (v.contains("min_size")) EXPECT_FALSE(v.contains("test_time_augmentation")) << v.dump();
    else EXPECT_EQ(v["test_time_augmentation"], "multi_scale_flip") << v.dump();
    if (v["pretrained_weights"] == "none") scratch_seen = true;
    else EXPECT_FALSE(scratch_seen) << v.dump();
  }
  // When nothing fits, the first trial is the cheapest fine-tuned entry, not a scratch one.
  {
    JobSpec spec = parse_job_yaml_text(head, "job.yml", "/tmp");
    auto forced = make_automode_source(spec, cost, all)->next({}, 0.01);
    ASSERT_TRUE(forced);
    EXPECT_EQ(forced->config.values["pretrained_weights"], "coco");
  }
  // Once a fine-tuned trial has finished, the scratch entries are passed over for refinement.
  {
    JobSpec spec = parse_job_yaml_text(head, "job.yml", "/tmp");
    auto source = make_automode_source(spec, cost, nano_only);
    auto p = source->next({}, std::nullopt);
    ASSERT_TRUE(p);
    PastTrial done;
    done.config = p->config;
    done.meta = p->to_json();
    done.finished = true;
    done.objective = 0.9;
    auto next = source->next({done}, std::nullopt);
    ASSERT_TRUE(next);
    EXPECT_EQ(next->source, "refine");
    EXPECT_EQ(next->config.values["pretrained_weights"], "coco");
    EXPECT_EQ(next->config.values["model_size"], "nano");
    done.objective.reset();  // it failed: training from scratch is what is left
    next = source->next({done}, std::nullopt);
    ASSERT_TRUE(next);
    EXPECT_EQ(next->source, "portfolio");
    EXPECT_EQ(next->config.values["pretrained_weights"], "none");
  }
  // On a machine too slow for a pretrained entry's epochs, it starts cut to the epochs that fit
  // (at least half of them) rather than leaving the first trial to an entry from scratch.
  {
    JobSpec spec = parse_job_yaml_text(head, "job.yml", "/tmp");
    auto source = make_automode_source(spec, cost, nano_only);
    const auto full = source->next({}, std::nullopt);
    ASSERT_TRUE(full && full->estimated_minutes);
    EXPECT_EQ(full->config.values["number_of_epochs"], 40);
    const double minutes = 0.61 * *full->estimated_minutes;
    const auto cut = source->next({}, minutes);
    ASSERT_TRUE(cut && cut->estimated_minutes);
    EXPECT_EQ(cut->config.values["pretrained_weights"], "coco");
    EXPECT_EQ(cut->portfolio_index, full->portfolio_index);
    EXPECT_EQ(cut->config.values["number_of_epochs"], 24);
    EXPECT_EQ(cut->config.values["early_stopping_delay"], 12);
    EXPECT_LE(*cut->estimated_minutes, minutes);
    // Less than half of its epochs: not worth it, the scratch entry that fits goes first.
    const auto scratch = source->next({}, 0.47 * *full->estimated_minutes);
    ASSERT_TRUE(scratch);
    EXPECT_EQ(scratch->config.values["pretrained_weights"], "none");
    // A job that sets number_of_epochs is not cut.
    JobSpec fixed = parse_job_yaml_text(head + "training_parameters: {number_of_epochs: 40}\n", "job.yml", "/tmp");
    const auto kept = make_automode_source(fixed, cost, nano_only)->next({}, minutes);
    ASSERT_TRUE(kept);
    EXPECT_EQ(kept->config.values["pretrained_weights"], "none");
  }
  order = first_of("", nano_only);
  EXPECT_EQ(order[0]["model_name"], "yolov5");
  EXPECT_EQ(order[0]["pretrained_weights"], "coco");
  EXPECT_EQ(order[1]["pretrained_weights"], "none");  // small's weights are not cached
  order = first_of("training_parameters: {model_name: yolov5}\n", all);
  for (const auto& v : order) EXPECT_EQ(v["model_name"], "yolov5") << v.dump();
  EXPECT_EQ(order[0]["pretrained_weights"], "coco");
  order = first_of("training_parameters: {pretrained_weights: none}\n", all);
  for (const auto& v : order) EXPECT_EQ(v["pretrained_weights"], "none") << v.dump();
  order = first_of("training_parameters: {model_size: small}\n", all);
  for (const auto& v : order) EXPECT_EQ(v["model_name"], "yolov5") << v.dump();

  // The cache decides by default: an empty folder has nothing, the shared one FastestDet's and
  // YOLOv5n's COCO weights.
  {
    ScopedWeightsFolder empty;
    for (const auto& e : automode_portfolio()) EXPECT_EQ(weights_in_cache(e), e.weights == "none") << e.why;
  }
  const std::string shared = shared_datasets_dir();
  if (!shared.empty()) {
    ScopedWeightsFolder folder(shared + "/../weights");
    EXPECT_TRUE(weights_in_cache(automode_portfolio()[0]));
    EXPECT_TRUE(weights_in_cache(automode_portfolio()[1]));
  }
}

// The refit: once a trial has finished, the best one's configuration is retrained on the training
// and validation images for the epochs it needed; every other trial must leave room for it (time
// and max_trials), it waits for running trials, and nothing follows it.
TEST(AutoMode, TheRefitOfTheBestTrialIsKeptRoomForAndComesLast) {
  const std::string head =
      "type: automl\ntask: image_object_detection\ntarget_column_name: label\ntraining_data: {path: d}\n";
  const CostModel cost(DataSize{128, 32, 1}, 20e9);
  const WeightsAtHand nano_only = [](const PortfolioEntry& e) {
    return e.weights == "none" || (e.model_name == "yolov5" && e.model_size == "nano");
  };
  auto finished = [](const Proposal& p, const std::string& id, double objective, int best_epoch) {
    PastTrial t;
    t.id = id;
    t.config = p.config;
    t.meta = p.to_json();
    t.finished = true;
    t.objective = objective;
    t.best_epoch = best_epoch;
    return t;
  };
  JobSpec spec = parse_job_yaml_text(head + "limits: {max_trials: 20}\n", "job.yml", "/tmp");
  auto source = make_automode_source(spec, cost, nano_only);
  const auto first = source->next({}, std::nullopt);
  ASSERT_TRUE(first);
  const PastTrial done = finished(*first, "j_0", 0.6, 24);

  // Without a timeout and with trials to spare, refinement goes on.
  auto next = source->next({done}, std::nullopt);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->source, "refine");

  // The last trial allowed is the refit: the best trial's values, 25 epochs, no early stopping,
  // estimated on 160 training images.
  JobSpec two = parse_job_yaml_text(head + "limits: {max_trials: 2}\n", "job.yml", "/tmp");
  auto refit = make_automode_source(two, cost, nano_only)->next({done}, std::nullopt);
  ASSERT_TRUE(refit);
  EXPECT_EQ(refit->source, "refit");
  EXPECT_EQ(refit->refit_of, "j_0");
  EXPECT_EQ(refit->to_json()["refit_of"], "j_0");
  EXPECT_EQ(refit->config.values["number_of_epochs"], 25);
  EXPECT_EQ(refit->config.values["early_stopping"], false);
  EXPECT_EQ(refit->config.values["model_size"], "nano");
  EXPECT_EQ(refit->config.values["pretrained_weights"], "coco");
  EXPECT_EQ(refit->config.values["learning_rate"], done.config.values["learning_rate"]);
  const TrainingParams rp = trial_params(two, refit->config);
  EXPECT_FALSE(rp.early_stopping);
  EXPECT_DOUBLE_EQ(refit->estimated_epoch_seconds, CostModel(DataSize{160, 32, 1}, 20e9).epoch_seconds(rp));
  EXPECT_GT(refit->estimated_epoch_seconds, cost.epoch_seconds(rp));

  // A better trial later is the one refit.
  PastTrial better = finished(*next, "j_1", 0.7, 9);
  refit = make_automode_source(two, cost, nano_only)->next({done, better}, std::nullopt);
  ASSERT_TRUE(refit);
  EXPECT_EQ(refit->refit_of, "j_1");
  EXPECT_EQ(refit->config.values["number_of_epochs"], 10);

  // With a timeout: no refinement that would not leave the refit its minutes; the refit itself
  // when it fits; short of that, the refit cut to the epochs that fit while it still sees as many
  // images as the trial did (10 epochs of 128 images: at least 8 of 160); below that, refinement.
  const double refit_minutes = *refit->estimated_minutes;
  auto timed = make_automode_source(spec, cost, nano_only)->next({done, better}, refit_minutes * 1.01);
  ASSERT_TRUE(timed);
  EXPECT_EQ(timed->source, "refit");
  for (const auto& [share, epochs] : {std::pair{0.99, 9}, std::pair{0.85, 8}}) {
    timed = make_automode_source(spec, cost, nano_only)->next({done, better}, refit_minutes * share);
    ASSERT_TRUE(timed) << share;
    EXPECT_EQ(timed->source, "refit");
    EXPECT_EQ(timed->refit_of, "j_1");
    EXPECT_EQ(timed->config.values["number_of_epochs"], epochs);
    EXPECT_EQ(timed->config.values["evaluation_frequency"], epochs);
    EXPECT_NEAR(*timed->estimated_minutes, refit_minutes * epochs / 10.0, 1e-9);
  }
  timed = make_automode_source(spec, cost, nano_only)->next({done, better}, refit_minutes * 0.75);
  if (timed) EXPECT_EQ(timed->source, "refine");
  timed = make_automode_source(spec, cost, nano_only)->next({done, better}, refit_minutes * 20);
  ASSERT_TRUE(timed);
  EXPECT_EQ(timed->source, "refine");
  EXPECT_LE(*timed->estimated_minutes + refit_minutes, refit_minutes * 20);

  // It waits for a running trial, and nothing follows it.
  PastTrial running = better;
  running.id = "j_2";
  running.finished = false;
  running.objective.reset();
  JobSpec three = parse_job_yaml_text(head + "limits: {max_trials: 3}\n", "job.yml", "/tmp");
  EXPECT_FALSE(make_automode_source(three, cost, nano_only)->next({done, running}, std::nullopt));
  running.finished = true;
  refit = make_automode_source(three, cost, nano_only)->next({done, running}, std::nullopt);
  ASSERT_TRUE(refit);
  EXPECT_EQ(refit->refit_of, "j_0");
  PastTrial refitted = finished(*refit, "j_2", 0.0, -1);
  refitted.objective.reset();
  EXPECT_FALSE(make_automode_source(spec, cost, nano_only)->next({done, better, refitted}, std::nullopt));
  EXPECT_FALSE(make_automode_source(spec, cost, nano_only)->next({done, better, refitted}, 1000.0));
}

// torchvision's COCO detectors enter only when their estimate fits the time left: on a CPU with a
// half-hour budget they are left out, and the dry run's reasons say so; with the time for them
// they train at min_size 512 with the ResNet frozen up to layer3.
TEST(AutoMode, TorchvisionDetectorsEnterOnlyWhenTheBudgetAllows) {
  const std::string head =
      "type: automl\ntask: image_object_detection\ntarget_column_name: label\ntraining_data: {path: d}\n"
      "training_parameters: {device: cpu}\n";
  const CostModel cost(DataSize{200, 50, 1}, 20e9);
  const WeightsAtHand all = [](const PortfolioEntry&) { return true; };
  std::set<std::string> costly;
  for (const auto& e : automode_portfolio())
    if (e.costly()) costly.insert(e.model_name);
  EXPECT_EQ(costly, (std::set<std::string>{"fasterrcnn_resnet50_fpn", "retinanet_resnet50_fpn", "fcos_resnet50_fpn"}));

  JobSpec tight = parse_job_yaml_text(head + "limits: {max_trials: 20, timeout_minutes: 30}\n", "job.yml", "/tmp");
  const auto plan = plan_trials(*make_automode_source(tight, cost, all), tight.limits);
  ASSERT_FALSE(plan.empty());
  for (const auto& t : plan) EXPECT_EQ(costly.count(t.proposal.config.values["model_name"].get<std::string>()), 0u);
  const auto why = portfolio_left_out(tight, cost, plan, all);
  for (std::size_t i = 0; i < why.size(); ++i) {
    const auto& e = automode_portfolio()[i];
    if (!e.costly()) continue;
    EXPECT_NE(why[i].find("more than the 30-minute timeout"), std::string::npos) << e.model_name << ": " << why[i];
    EXPECT_NE(why[i].find("a GPU"), std::string::npos) << why[i];
  }
  // Not cached: the reason names what to pull.
  const WeightsAtHand scratch = [](const PortfolioEntry& e) { return !e.pretrained(); };
  const auto why_uncached = portfolio_left_out(tight, cost, plan_trials(*make_automode_source(tight, cost, scratch), tight.limits), scratch);
  EXPECT_NE(why_uncached[0].find("autodet weights pull yolov5-nano-coco"), std::string::npos) << why_uncached[0];
  // When nothing fits, the first trial cut at the deadline is never one of them.
  auto forced = make_automode_source(tight, cost, all)->next({}, 0.01);
  ASSERT_TRUE(forced);
  EXPECT_FALSE(automode_portfolio()[std::size_t(forced->portfolio_index)].costly());

  JobSpec open = parse_job_yaml_text(head + "limits: {max_trials: 20}\n", "job.yml", "/tmp");
  bool seen = false;
  for (const auto& t : plan_trials(*make_automode_source(open, cost, all), open.limits)) {
    const auto& v = t.proposal.config.values;
    if (!costly.count(v["model_name"].get<std::string>())) continue;
    seen = true;
    const TrainingParams p = trial_params(open, t.proposal.config);
    EXPECT_EQ(p.min_size, 512);
    EXPECT_FALSE(v.contains("image_size"));
    ASSERT_TRUE(p.layers_to_freeze);
    EXPECT_EQ(*p.layers_to_freeze, 4);
    EXPECT_EQ(p.pretrained_weights, "coco");
  }
  EXPECT_TRUE(seen);
}

// A family's MACs cost mac_time_factor times YOLOv5's: FastestDet's depthwise layers train slower
// per MAC than YOLOv5's dense convolutions.
TEST(AutoMode, CostModelWeighsTheFamilysMacs) {
  const CostModel cost(DataSize{128, 32, 1}, 20e9);
  TrainingParams fd = default_params("fastestdet");
  fd.image_size = 352;
  const auto& spec = models::family_spec("fastestdet");
  EXPECT_GT(spec.mac_time_factor, 1.0);
  const double macs = spec.forward_macs("", 352, 1);
  EXPECT_NEAR(cost.epoch_seconds(fd), spec.mac_time_factor * macs * (3.0 * 128 + 32.0 / fd.evaluation_frequency) / 20e9, 1e-9);
}

// `autodet train --dry-run` on an AutoMode job: the plan, and never more than timeout_minutes.
TEST(AutoMode, DryRunPrintsThePlanWithinTheTimeout) {
  TempDir t;
  SynthOptions o;
  o.images = 40;
  o.classes = 2;
  o.width = o.height = 64;
  generate_synthetic(o, t / "data");
  const std::string job = "type: automl\ntask: image_object_detection\nname: auto\ntarget_column_name: label\n"
                          "training_data: {path: " + (t / "data") + "}\nlimits: {max_trials: 10, max_concurrent_trials: 1";
  auto plan_of = [&](const std::string& limits_tail) {
    write_text(t / "job.yml", job + limits_tail + "}\n");
    std::string out;
    EXPECT_EQ(run_autodet("train --dry-run " + (t / "job.yml") + " --workspace " + (t / "ws") + " --threads 1", &out), 0)
        << out;
    return out;
  };
  ScopedWeightsFolder no_weights;  // the plan of a machine with an empty weights cache
  const std::string open = plan_of("");
  EXPECT_NE(open.find("auto_mode, up to 10 trials"), std::string::npos) << open;
  EXPECT_NE(open.find("GMAC/s per trial"), std::string::npos) << open;
  EXPECT_NE(open.find("planned: 8 trials"), std::string::npos) << open;
  EXPECT_NE(open.find("up to 2 refinement trials"), std::string::npos) << open;
  // Rows: "  #  portfolio  ...  est. min  starts at"; the last two numbers of each row.
  std::regex row(R"(^\s*\d+\s+portfolio\s.*\s([0-9.]+)\s+([0-9.]+)$)");
  auto rows_of = [&](const std::string& text) {
    std::vector<std::pair<double, double>> r;
    std::istringstream in(text);
    std::string line;
    std::smatch m;
    while (std::getline(in, line))
      if (std::regex_match(line, m, row)) r.push_back({std::stod(m[1]), std::stod(m[2])});
    return r;
  };
  const auto all = rows_of(open);
  ASSERT_EQ(all.size(), 8u) << open;
  double total = 0;
  for (const auto& [est, start] : all) total += est;
  // A timeout of a third of the whole portfolio's time: fewer trials, each ending in time.
  const int limit = std::max(1, int(total / 3));
  const std::string tight = plan_of(", timeout_minutes: " + std::to_string(limit));
  const auto some = rows_of(tight);
  EXPECT_LT(some.size(), all.size()) << tight;
  for (const auto& [est, start] : some) EXPECT_LE(start + est, limit + 0.05) << tight;
  EXPECT_FALSE(fs_exists(t / "ws/autodet.db"));  // nothing was recorded
}

// What a resumed sweep rebuilds from the store gives the sampler the same history, hence the
// same next suggestion as the scheduler that was killed would have made.
TEST(SweepHistory, RebuiltFromTheStoreGivesTheSameNextSuggestion) {
  TempDir t;
  JobSpec spec = parse_job_yaml_text(
      "type: automl\ntask: image_object_detection\nname: tpe\ntarget_column_name: label\ntraining_data: {path: d}\n"
      "limits: {max_trials: 10}\nsweep:\n  sampling_algorithm: {type: bayesian, seed: 3, n_startup_trials: 3}\n"
      "search_space:\n  - learning_rate: {type: loguniform, min_value: -9, max_value: -3}\n"
      "    model_size: {type: choice, values: [nano, small]}\n"
      "  - optimizer: {type: choice, values: [sgd, adamw]}\n    image_size: {type: quniform, min_value: 64, max_value: 256, q: 32}\n",
      "job.yml", t.path());
  store::Workspace ws(t / "ws");
  auto rs = store::open_run_store(ws, true);
  store::JobRecord job;
  job.name = "tpe";
  job.status = store::RunStatus::Running;
  rs->create_job(job);
  auto source = make_manual_sweep_source(spec);
  std::vector<PastTrial> live;
  for (int i = 0; i < 6; ++i) {
    auto p = source->next(live, std::nullopt);
    ASSERT_TRUE(p);
    store::TrialRecord tr;
    tr.config = p->to_json().dump();
    const std::string id = rs->create_trial("tpe", tr);
    PastTrial past;
    past.config = p->config;
    past.meta = p->to_json();
    if (i < 5) {  // five finished, one still running
      const double v = 0.1 + 0.13 * double((i * 7) % 5);
      rs->set_trial_status(id, store::RunStatus::Running);
      rs->record_epoch_metrics(id, 0, {{"mean_average_precision", v / 2}});
      rs->record_epoch_metrics(id, 1, {{"mean_average_precision", v}});
      rs->set_trial_status(id, i == 3 ? store::RunStatus::Terminated : store::RunStatus::Completed);
      past.finished = true;
      past.objective = v;
    }
    live.push_back(past);
  }
  const auto rebuilt = past_trials(*rs, "tpe");
  ASSERT_EQ(rebuilt.size(), live.size());
  const auto a = sampler_history(live), b = sampler_history(rebuilt);
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].config.subspace, b[i].config.subspace) << i;
    EXPECT_EQ(a[i].config.values, b[i].config.values) << i;
    EXPECT_EQ(a[i].objective, b[i].objective) << i;
  }
  // A fresh sampler (as after a restart) continues the same sequence.
  auto next_live = source->next(live, std::nullopt);
  auto next_rebuilt = make_manual_sweep_source(spec)->next(rebuilt, std::nullopt);
  ASSERT_TRUE(next_live && next_rebuilt);
  EXPECT_EQ(next_live->config.subspace, next_rebuilt->config.subspace);
  EXPECT_EQ(next_live->config.values, next_rebuilt->config.values);
}
