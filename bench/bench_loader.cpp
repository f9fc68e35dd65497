// The training data pipeline on 200 synthetic 320x320 JPEGs, batch 16, image size 320:
// DetectionLoader for training (mosaic + affine + HSV + flip) and validation (letterbox) with
// 1 and 2 workers, cold (no cache: every image decoded each time) and warm (decoded-image cache).
// The peer, measured in the same run: the same pipeline written plainly, one thread, cv::imread +
// resize per image, no cache and no prefetch. Prints images/s and the ratios.
// AUTODET_LOADER_BENCH_DIR=DIR keeps the images in DIR (for bench/loader_peer.py).
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <unistd.h>
#include <string>

#include <benchmark/benchmark.h>
#include <opencv2/core/utility.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/rng.h"
#include "data/augment/flip.h"
#include "data/augment/hsv.h"
#include "data/augment/letterbox.h"
#include "data/augment/mosaic.h"
#include "data/augment/random_affine.h"
#include "data/loader/batch.h"
#include "data/loader/detection_loader.h"
#include "data/synth.h"

namespace {

using namespace autodet;

constexpr int kImages = 200, kSize = 320, kBatch = 16;

std::string g_dir;
bool g_keep_dir = false;

const Dataset& bench_dataset() {
  static const Dataset ds = [] {
    SynthOptions o;
    o.images = kImages;
    o.width = o.height = kSize;
    o.seed = 7;
    return generate_synthetic(o, g_dir);
  }();
  return ds;
}

LoaderOptions options(bool train, int workers, bool cache) {
  LoaderOptions o;
  o.image_size = kSize;
  o.batch_size = kBatch;
  o.train = train;
  o.shuffle = train;
  o.workers = workers;
  o.seed = 1;
  o.cache_bytes = cache ? std::int64_t(1) << 30 : 0;
  return o;
}

// One epoch per iteration; counts images.
void run_loader(benchmark::State& state, bool train, bool cache) {
  const Dataset& ds = bench_dataset();
  DetectionLoader loader(ds, ds.classes(), options(train, int(state.range(0)), cache));
  int epoch = 0;
  if (cache) {  // fill the cache: the timed epochs are "epoch >= 2"
    loader.start_epoch(epoch++);
    while (loader.next()) {
    }
  }
  std::int64_t images = 0;
  for (auto _ : state) {
    loader.start_epoch(epoch++);
    while (auto b = loader.next()) {
      images += b->size;
      benchmark::DoNotOptimize(b->images.data());
    }
  }
  state.SetItemsProcessed(images);
}

// The first epoch with the default cache: a new loader (threads started) per iteration.
void BM_LoaderTrainFirstEpoch(benchmark::State& state) {
  const Dataset& ds = bench_dataset();
  std::int64_t images = 0;
  for (auto _ : state) {
    DetectionLoader loader(ds, ds.classes(), options(true, int(state.range(0)), true));
    loader.start_epoch(0);
    while (auto b = loader.next()) images += b->size;
  }
  state.SetItemsProcessed(images);
}
BENCHMARK(BM_LoaderTrainFirstEpoch)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);

void BM_LoaderTrain(benchmark::State& s) { run_loader(s, true, false); }
void BM_LoaderTrainCached(benchmark::State& s) { run_loader(s, true, true); }
void BM_LoaderVal(benchmark::State& s) { run_loader(s, false, false); }
void BM_LoaderValCached(benchmark::State& s) { run_loader(s, false, true); }
BENCHMARK(BM_LoaderTrain)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);
BENCHMARK(BM_LoaderTrainCached)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);
BENCHMARK(BM_LoaderVal)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);
BENCHMARK(BM_LoaderValCached)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);

// ---- the peer: the same steps, plainly, one image after another ----------------------------

// cv::imread, resize so the long side is kSize, boxes scaled.
MosaicPiece peer_load(const ImageRecord& rec, const std::vector<std::string>& classes, bool area) {
  cv::Mat img = cv::imread(rec.path, cv::IMREAD_COLOR);
  const double r = double(kSize) / std::max(img.cols, img.rows);
  MosaicPiece p;
  if (r != 1) {
    cv::resize(img, p.image, cv::Size(int(img.cols * r + 0.5), int(img.rows * r + 0.5)), 0, 0,
               area && r < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
  } else {
    p.image = img;
  }
  for (const Box& b : rec.boxes) {
    if (b.crowd) continue;
    const int cls = int(std::find(classes.begin(), classes.end(), b.label) - classes.begin());
    p.boxes.push_back(LabeledBox{b.x0 * r, b.y0 * r, b.x1 * r, b.y1 * r, cls});
  }
  return p;
}

// Batch of images/targets, like the loader's, built on the calling thread.
void peer_epoch(const Dataset& ds, bool train, int epoch, std::int64_t* images) {
  const auto classes = ds.classes();
  std::vector<std::size_t> order(ds.images.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  Rng rng(std::uint64_t(epoch) * 7919 + 1);
  if (train) rng.shuffle(order);
  for (std::size_t start = 0; start < order.size(); start += kBatch) {
    const int n = int(std::min<std::size_t>(kBatch, order.size() - start));
    Batch b;
    b.size = n;
    b.height = b.width = kSize;
    b.images.resize(std::size_t(n) * 3 * kSize * kSize);
    for (int j = 0; j < n; ++j) {
      cv::Mat img;
      LabeledBoxes boxes;
      if (train) {
        std::array<MosaicPiece, 4> pieces;
        pieces[0] = peer_load(ds.images[order[start + j]], classes, false);
        for (int k = 1; k < 4; ++k) pieces[k] = peer_load(ds.images[rng.below(ds.images.size())], classes, false);
        const cv::Mat canvas = mosaic4(pieces, kSize, rng, &boxes);
        img = random_affine(canvas, boxes, AffineParams{}, -kSize / 2, rng);
        augment_hsv(img, HsvGains{}, rng);
        random_flip_horizontal(img, boxes, 0.5, rng);
      } else {
        MosaicPiece p = peer_load(ds.images[order[start + j]], classes, true);
        int px = 0, py = 0;
        img = pad_to_square(p.image, kSize, &px, &py);
        boxes = p.boxes;
      }
      write_chw_rgb(img, b.images.data() + std::size_t(j) * 3 * kSize * kSize);
      for (const LabeledBox& x : boxes)
        b.targets.insert(b.targets.end(), {float(j), float(x.cls), float((x.x0 + x.x1) / 2 / kSize),
                                           float((x.y0 + x.y1) / 2 / kSize), float(x.width() / kSize),
                                           float(x.height() / kSize)});
    }
    *images += n;
    benchmark::DoNotOptimize(b.images.data());
  }
}

void run_peer(benchmark::State& state, bool train) {
  const Dataset& ds = bench_dataset();
  std::int64_t images = 0;
  int epoch = 0;
  for (auto _ : state) peer_epoch(ds, train, epoch++, &images);
  state.SetItemsProcessed(images);
}
void BM_PeerTrain(benchmark::State& s) { run_peer(s, true); }
void BM_PeerVal(benchmark::State& s) { run_peer(s, false); }
BENCHMARK(BM_PeerTrain)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);
BENCHMARK(BM_PeerVal)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);

// A training loop that consumes `rate` images/s on one busy thread, for one epoch with the default
// options (2 workers, cache on, first epoch): the share of the epoch the step waited for data.
void simulated_training(double rate) {
  const Dataset& ds = bench_dataset();
  DetectionLoader loader(ds, ds.classes(), options(true, 2, true));
  loader.start_epoch(0);
  const auto t0 = std::chrono::steady_clock::now();
  double first = -1;  // the wait for the first batch: filling the pipeline
  while (auto b = loader.next()) {
    if (first < 0) first = loader.wait_seconds();
    const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(b->size / rate);
    volatile std::uint64_t spin = 0;
    while (std::chrono::steady_clock::now() < until) spin = spin + 1;
  }
  const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("simulated training at %.0f images/s (one busy thread) + loader (2 workers, first epoch): epoch %.2f s, "
              "waited %.3f s for the first batch and %.3f s for all the others\n",
              rate, total, first, loader.wait_seconds() - first);
}

// Remembers each benchmark's images/s for the summary.
class Recorder : public benchmark::ConsoleReporter {
 public:
  std::map<std::string, double> rate;
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& r : runs) {
      auto it = r.counters.find("items_per_second");
      if (it != r.counters.end()) rate[r.benchmark_name()] = it->second;
    }
    ConsoleReporter::ReportRuns(runs);
  }
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  if (const char* d = std::getenv("AUTODET_LOADER_BENCH_DIR")) {
    g_dir = d;
    g_keep_dir = true;
  } else {
    g_dir = (std::filesystem::temp_directory_path() / ("autodet-bench-loader-" + std::to_string(::getpid()))).string();
  }
  const auto t0 = std::chrono::steady_clock::now();
  bench_dataset();
  std::printf("data: %d synthetic %dx%d JPEGs in %s (generated in %.1f s); batch %d, image size %d; OpenCV threads %d\n",
              kImages, kSize, kSize, g_dir.c_str(), std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(),
              kBatch, kSize, cv::getNumThreads());
  Recorder rec;
  benchmark::RunSpecifiedBenchmarks(&rec);
  auto get = [&](const std::string& name) {
    auto it = rec.rate.find(name);
    return it == rec.rate.end() ? -1.0 : it->second;
  };
  std::printf("\nimages/s (one epoch of %d images per iteration)\n", kImages);
  const double peer_train = get("BM_PeerTrain/min_time:2.000/real_time"), peer_val = get("BM_PeerVal/min_time:2.000/real_time");
  for (const char* kind : {"Train", "Val"}) {
    const double peer = std::string(kind) == "Train" ? peer_train : peer_val;
    std::printf("%-5s %-38s: %7.1f\n", kind, "peer (1 thread, imread, no cache)", peer);
    const char* variants[][2] = {{"", "no cache"}, {"FirstEpoch", "cache, epoch 1"}, {"Cached", "cache, epoch >= 2"}};
    for (const auto& [suffix, label] : variants)
      for (int w : {1, 2}) {
        const double r = get(std::string("BM_Loader") + kind + suffix + "/" + std::to_string(w) + "/min_time:2.000/real_time");
        if (r < 0) continue;
        const std::string what = "loader, " + std::to_string(w) + " worker(s), " + label;
        std::printf("%-5s %-38s: %7.1f  -> %.2fx the peer\n", kind, what.c_str(), r, peer > 0 ? r / peer : 0.0);
      }
  }
  simulated_training(40);
  std::printf("target: training consumes ~10-40 images/s at 320 px on 2 cores -> the loader must feed >= 120 images/s\n");
  benchmark::Shutdown();
  if (!g_keep_dir) {
    std::error_code ec;
    std::filesystem::remove_all(g_dir, ec);
  }
  return 0;
}
