// Served throughput of `autodet serve` against its peer, the same predictor called directly with
// full batches, measured in the same run (three rounds of a direct phase then a served phase, so
// both see the same load on a shared machine): C++ clients (8 by default) post one JPEG each per
// request over keep-alive connections for --seconds in all; reported are requests/s, p50/p99 latency,
// errors (must be 0), the direct batched images/s and the ratio served/direct (goal >= 0.9).
//
//   bench_serve [--model PKG] [--seconds 30] [--clients 8] [--max-batch 8] [--max-wait-ms 5]
//               [--img-size 320] [--image-width 640] [--image-height 480]
// Without --model, an untrained YOLOv5-nano package is written to a temporary folder (the speed
// of a forward pass does not depend on the weights' values).
#ifdef AUTODET_HAVE_HTTPLIB  // set by src/deploy/http.cmake
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <unistd.h>

#include "data/synth.h"
#include "core/base64.h"
#include "deploy/http_server.h"
#include "deploy/httplib_config.h"
#include "deploy/predictor.h"

using namespace autodet;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
  std::string model;
  double seconds = 30;
  int clients = 8;
  int max_batch = 8;
  int max_wait_ms = 5;
  int img_size = 320;
  int image_width = 640, image_height = 480;
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::runtime_error(a + " needs a value");
      return argv[++i];
    };
    if (a == "--model") o.model = value();
    else if (a == "--seconds") o.seconds = std::stod(value());
    else if (a == "--clients") o.clients = std::stoi(value());
    else if (a == "--max-batch") o.max_batch = std::stoi(value());
    else if (a == "--max-wait-ms") o.max_wait_ms = std::stoi(value());
    else if (a == "--img-size") o.img_size = std::stoi(value());
    else if (a == "--image-width") o.image_width = std::stoi(value());
    else if (a == "--image-height") o.image_height = std::stoi(value());
    else throw std::runtime_error("unknown option " + a + " (see the comment at the top of bench/bench_serve.cpp)");
  }
  return o;
}

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// Full batches through the predictor for about `seconds`: images done and seconds taken.
std::pair<double, double> run_direct(Predictor& p, const cv::Mat& image, int batch, double seconds) {
  const std::vector<cv::Mat> images(std::size_t(batch), image);
  p.predict(images);  // warm-up at this batch size
  const auto t0 = Clock::now();
  long done = 0;
  do {
    p.predict(images);
    done += batch;
  } while (seconds_since(t0) < seconds || done < 3L * batch);
  return {double(done), seconds_since(t0)};
}

double percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, std::size_t(q * double(v.size() - 1) + 0.5))];
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  try {
    o = parse(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "bench_serve: " << e.what() << "\n";
    return 2;
  }
  std::string tmp;
  if (o.model.empty()) {
    tmp = (std::filesystem::temp_directory_path() / fmt::format("bench-serve-{}", ::getpid())).string();
    o.model = tmp + "/pkg";
    write_untrained_package(o.model, "nano", {"circle", "square", "triangle"}, o.img_size, 1);
  }
  PredictorOptions po;
  po.package_dir = o.model;
  po.max_batch = o.max_batch;
  Predictor predictor(po, torch::kCPU);

  SynthOptions so;
  so.width = o.image_width;
  so.height = o.image_height;
  const cv::Mat image = render_synthetic_image(so, 0).image;
  std::vector<unsigned char> jpeg;
  cv::imencode(".jpg", image, jpeg, {cv::IMWRITE_JPEG_QUALITY, 90});
  const std::string body = nlohmann::json{{"input_data", {{"columns", {"image"}}, {"index", {0}},
                                                          {"data", {encode_base64(std::string(jpeg.begin(), jpeg.end()))}}}}}
                               .dump();

  ServeOptions serve_opts;
  serve_opts.port = 0;
  serve_opts.workers = 2 * o.clients;
  serve_opts.batcher.max_batch = o.max_batch;
  serve_opts.batcher.max_wait_ms = o.max_wait_ms;
  serve_opts.batcher.max_queue_images = 4 * std::max(o.clients, o.max_batch);
  ScoringServer server(predictor, serve_opts);
  server.start();

  // The machine may be shared: served and direct phases alternate, so both see the same load.
  const int rounds = 3;
  const double served_phase = o.seconds / rounds, direct_phase = std::max(1.0, o.seconds / (2 * rounds));
  std::atomic<long> errors{0};
  std::vector<std::vector<double>> latencies(std::size_t(o.clients));
  double served_seconds = 0, direct_images = 0, direct_seconds = 0;
  for (int round = 0; round < rounds; ++round) {
    const auto [images, seconds] = run_direct(predictor, image, o.max_batch, direct_phase);
    direct_images += images;
    direct_seconds += seconds;
    const auto t0 = Clock::now();
    const auto deadline = t0 + std::chrono::duration<double>(served_phase);
    std::vector<std::thread> clients;
    for (int c = 0; c < o.clients; ++c)
      clients.emplace_back([&, c] {
        httplib::Client cli("127.0.0.1", server.port());
        cli.set_read_timeout(120, 0);
        cli.set_keep_alive(true);
        cli.set_tcp_nodelay(true);
        while (Clock::now() < deadline) {
          const auto r0 = Clock::now();
          auto res = cli.Post("/score", body, "application/json");
          if (!res || res->status != 200) ++errors;
          else latencies[std::size_t(c)].push_back(seconds_since(r0) * 1000);
        }
      });
    for (auto& t : clients) t.join();
    served_seconds += seconds_since(t0);
  }
  const auto stats = server.batch_stats();
  server.shutdown();

  std::vector<double> all;
  for (const auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  const double served = double(all.size()) / served_seconds;
  const double direct = direct_images / direct_seconds;

  std::cout << fmt::format("model {}  img_size {}  image {}x{} JPEG  clients {}  max_batch {}  max_wait_ms {}  threads {}\n",
                           o.model, predictor.settings().img_size, o.image_width, o.image_height, o.clients, o.max_batch,
                           o.max_wait_ms, std::thread::hardware_concurrency());
  std::cout << fmt::format("served:  {:8.2f} requests/s (1 image each) over {:.1f} s, p50 {:.1f} ms, p99 {:.1f} ms, errors {}, "
                           "mean batch {:.2f}\n",
                           served, served_seconds, percentile(all, 0.5), percentile(all, 0.99), errors.load(),
                           stats.batches ? double(stats.images) / double(stats.batches) : 0.0);
  std::cout << fmt::format("direct:  {:8.2f} images/s in batches of {} over {:.1f} s\n", direct, o.max_batch, direct_seconds);
  std::cout << fmt::format("ratio served/direct: {:.3f} (goal >= 0.9)\n", served / std::max(1e-9, direct));
  std::cout << nlohmann::json{{"requests_per_s", served}, {"p50_ms", percentile(all, 0.5)}, {"p99_ms", percentile(all, 0.99)},
                              {"errors", errors.load()}, {"direct_images_per_s", direct}, {"ratio", served / std::max(1e-9, direct)},
                              {"mean_batch", stats.batches ? double(stats.images) / double(stats.batches) : 0.0}}
                   .dump()
            << "\n";
  if (!tmp.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(tmp, ec);
  }
  return errors.load() == 0 ? 0 : 1;
}

#else
#include <cstdio>
int main() {
  std::fprintf(stderr, "bench_serve: this build has no HTTP server (cpp-httplib was not found)\n");
  return 2;
}
#endif  // AUTODET_HAVE_HTTPLIB
