// Evaluating 5,000 images x 100 detections x 80 classes (COCO val2017's shape) on 2 threads:
// COCO (12 stats), VOC, and the whole `evaluate` (coco_voc + confusion matrix). Prints the
// time and the ratio to the straightforward reference implementation (tests/eval/
// reference_eval.h: pycocotools' algorithm written plainly, one thread), measured in the same run.
#include <chrono>
#include <cstdio>
#include <map>
#include <string>

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include "../tests/eval/reference_eval.h"
#include "core/rng.h"
#include "eval/coco_metric.h"
#include "eval/evaluate.h"
#include "eval/voc_metric.h"

namespace {

using namespace autodet::eval;

constexpr int kImages = 5000, kDetsPerImage = 100, kClasses = 80;
constexpr unsigned kThreads = 2;

// About 7 objects per 640x480 image (sizes log-uniform 6..400 px, 1% crowd); per image 100
// detections: 1-3 jittered copies of most objects (sometimes another class), the rest
// random boxes of random classes; scores uniform.
const EvalSet& bench_set() {
  static const EvalSet set = [] {
    autodet::Rng rng(2024);
    EvalSet s;
    for (int k = 0; k < kClasses; ++k) s.classes.push_back(fmt::format("class_{:02d}", k));
    for (int i = 0; i < kImages; ++i) {
      EvalImage im;
      im.id = i + 1;
      im.url = fmt::format("{:06d}.jpg", i);
      im.width = 640;
      im.height = 480;
      const int n_gt = rng.range(1, 13);
      for (int g = 0; g < n_gt; ++g) {
        const double w = std::exp(rng.uniform(std::log(6.0), std::log(400.0)));
        const double h = std::min(470.0, w * rng.uniform(0.5, 2.0));
        im.gts.push_back(GtBox{XYWH{rng.uniform(0, 640 - w), rng.uniform(0, 480 - h), w, h}, int(rng.below(kClasses)), rng.chance(0.01)});
      }
      for (const GtBox& g : im.gts) {
        const int copies = rng.range(0, 3);
        for (int c = 0; c < copies && int(im.dets.size()) < kDetsPerImage; ++c) {
          const double j = 0.2;
          im.dets.push_back(Detection{XYWH{g.box.x + rng.uniform(-j, j) * g.box.w, g.box.y + rng.uniform(-j, j) * g.box.h,
                                           g.box.w * rng.uniform(1 - j, 1 + j), g.box.h * rng.uniform(1 - j, 1 + j)},
                                      rng.chance(0.1) ? int(rng.below(kClasses)) : g.cls, rng.uniform(0.3, 1.0)});
        }
      }
      while (int(im.dets.size()) < kDetsPerImage) {
        const double w = std::exp(rng.uniform(std::log(6.0), std::log(400.0))), h = w * rng.uniform(0.5, 2.0);
        im.dets.push_back(Detection{XYWH{rng.uniform(0, 600), rng.uniform(0, 440), w, h}, int(rng.below(kClasses)), rng.uniform(0, 0.6)});
      }
      s.images.push_back(std::move(im));
    }
    return s;
  }();
  return set;
}

void BM_EvalCoco(benchmark::State& state) {
  const EvalSet& s = bench_set();
  for (auto _ : state) benchmark::DoNotOptimize(evaluate_coco(s, CocoParams::defaults(), kThreads));
}
BENCHMARK(BM_EvalCoco)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);

void BM_EvalVoc(benchmark::State& state) {
  const EvalSet& s = bench_set();
  for (auto _ : state) benchmark::DoNotOptimize(evaluate_voc(s, VocOptions{}, kThreads));
}
BENCHMARK(BM_EvalVoc)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);

void BM_EvaluateCocoVocAndConfusion(benchmark::State& state) {
  const EvalSet& s = bench_set();
  EvalOptions opt;
  opt.metric = MetricType::CocoVoc;
  opt.confusion = ConfusionOptions{};
  opt.threads = kThreads;
  for (auto _ : state) benchmark::DoNotOptimize(evaluate(s, opt));
}
BENCHMARK(BM_EvaluateCocoVocAndConfusion)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);

// COCO + VOC on one thread, to compare like for like with the one-thread reference.
void BM_EvalCocoVocOneThread(benchmark::State& state) {
  const EvalSet& s = bench_set();
  for (auto _ : state) {
    benchmark::DoNotOptimize(evaluate_coco(s, CocoParams::defaults(), 1));
    benchmark::DoNotOptimize(evaluate_voc(s, VocOptions{}, 1));
  }
}
BENCHMARK(BM_EvalCocoVocOneThread)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);

// The naive peer: the reference COCO + VOC, once (it takes many seconds).
void BM_NaiveReferenceCocoVoc(benchmark::State& state) {
  const EvalSet& s = bench_set();
  for (auto _ : state) {
    benchmark::DoNotOptimize(autodet::reference::coco_eval(s));
    benchmark::DoNotOptimize(autodet::reference::voc_eval(s, 0.5));
  }
}
BENCHMARK(BM_NaiveReferenceCocoVoc)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

// Remembers each benchmark's real time (ms) for the summary.
class Recorder : public benchmark::ConsoleReporter {
 public:
  std::map<std::string, double> ms;
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& r : runs) ms[r.benchmark_name()] = r.GetAdjustedRealTime();
    ConsoleReporter::ReportRuns(runs);
  }
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  const auto t0 = std::chrono::steady_clock::now();
  const EvalSet& s = bench_set();
  std::printf("data: %d images x %d detections x %d classes = %zu detections, %zu objects (generated in %.1f s)\n", kImages,
              kDetsPerImage, kClasses, s.det_count(), s.gt_count(),
              std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  Recorder rec;
  benchmark::RunSpecifiedBenchmarks(&rec);
  auto get = [&](const char* prefix) {
    for (const auto& [name, v] : rec.ms)
      if (name.rfind(prefix, 0) == 0) return v;
    return -1.0;
  };
  const double coco = get("BM_EvalCoco"), voc = get("BM_EvalVoc"), all = get("BM_EvaluateCocoVocAndConfusion");
  const double naive = get("BM_NaiveReferenceCocoVoc"), one = get("BM_EvalCocoVocOneThread");
  if (all > 0) std::printf("\nevaluate (coco_voc + confusion matrix), %u threads: %.3f s   (target: under 2 s)\n", kThreads, all / 1000);
  if (coco > 0 && voc > 0 && naive > 0)
    std::printf("COCO + VOC, %u threads: %.3f s; naive reference (1 thread): %.3f s -> ratio %.1fx\n", kThreads, (coco + voc) / 1000,
                naive / 1000, naive / (coco + voc));
  if (one > 0 && naive > 0)
    std::printf("COCO + VOC, 1 thread: %.3f s -> ratio to the naive reference %.1fx\n", one / 1000, naive / one);
  benchmark::Shutdown();
  return 0;
}
