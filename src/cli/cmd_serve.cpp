// `autodet serve --model PKG`: the HTTP scoring endpoint (Azure online-endpoint schema) on a
// model package, with micro-batching, limits, an API key and graceful shutdown.
#if defined(AUTODET_HAVE_TORCH) && defined(AUTODET_HAVE_HTTPLIB)  // set by src/deploy/http.cmake
#include <atomic>
#include <chrono>
#include <csignal>
#include <memory>
#include <thread>

#include "cli/command.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/log.h"
#include "deploy/http_server.h"
#include "deploy/scorer.h"

namespace autodet::cli {
namespace {

std::atomic<bool> g_stop{false};

extern "C" void on_stop_signal(int) {
  if (g_stop.exchange(true)) std::_Exit(130);  // a second signal exits at once
}

struct Args {
  std::string model;
  std::string device = "cpu";
  std::vector<std::string> settings;
  std::string api_key, api_key_file;
  ServeOptions serve;
  double max_body_mb = 64;
  int max_img_size = 2048;
  int max_tiles = 64;
};

std::string read_key_file(const std::string& path) {
  std::string key = read_file(path);
  const auto end = key.find_last_not_of(" \t\r\n");
  key = end == std::string::npos ? "" : key.substr(0, end + 1);
  const auto begin = key.find_first_not_of(" \t\r\n");
  key = begin == std::string::npos ? "" : key.substr(begin);
  if (key.empty()) throw UsageError(Location{path, 0, "", "--api-key-file"}, "the key file is empty");
  return key;
}

void run(Args a) {
  if (!a.api_key.empty() && !a.api_key_file.empty()) throw UsageError("give --api-key or --api-key-file, not both");
  a.serve.api_key = a.api_key_file.empty() ? a.api_key : read_key_file(a.api_key_file);
  a.serve.max_body_bytes = std::size_t(a.max_body_mb * 1024 * 1024);
  a.serve.io_timeout_ms = a.serve.request_timeout_ms;
  if (a.serve.api_key.empty() && !is_loopback_host(a.serve.host))
    log::warn("listening on {} without an API key: anyone who can reach this address can use the model "
              "(set --api-key or --api-key-file)", a.serve.host);

  PredictorOptions po;
  po.package_dir = a.model;
  po.device = a.device;
  po.overrides = parse_key_values(a.settings);
  po.limits = SettingsLimits{a.max_img_size, a.max_tiles};
  po.max_batch = a.serve.batcher.max_batch;
  std::unique_ptr<Scorer> scorer = load_predictor(po);

  ScoringServer server(*scorer, a.serve);
  const int port = server.bind();
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
  std::thread watcher([&] {
    while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    log::info("stopping: answering the requests in flight, refusing new ones");
    server.shutdown();
  });
  log::info("serving {} on http://{}:{} (POST /score, GET /health, /ready, /v1/model){}", a.model, a.serve.host, port,
            a.serve.api_key.empty() ? "" : ", API key required");
  try {
    server.serve();
  } catch (...) {
    g_stop = true;
    watcher.join();
    throw;
  }
  g_stop = true;
  watcher.join();
  const auto st = server.batch_stats();
  log::info("stopped after {} images in {} batches", st.images, st.batches);
}

CommandRegistrar reg(34, [](CLI::App& root) {
  auto args = std::make_shared<Args>();
  auto* cmd = root.add_subcommand("serve", "Serve a model package over HTTP (Azure scoring schema on POST /score)");
  auto& s = args->serve;
  cmd->add_option("--model", args->model, "Model package folder")->required();
  cmd->add_option("--host", s.host, "Address to listen on (default loopback only)")->capture_default_str();
  cmd->add_option("--port", s.port, "Port (0: any free port, printed at start)")->check(CLI::Range(0, 65535))->capture_default_str();
  cmd->add_option("--api-key", args->api_key, "Require 'Authorization: Bearer KEY' on /score and /v1/model");
  cmd->add_option("--api-key-file", args->api_key_file, "Read the API key from this file");
  cmd->add_option("--max-batch", s.batcher.max_batch, "Images scored together in one forward pass")
      ->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_option("--max-wait-ms", s.batcher.max_wait_ms, "How long a request may wait for others to share its batch")
      ->check(CLI::NonNegativeNumber)->capture_default_str();
  cmd->add_option("--max-queue", s.batcher.max_queue_images, "Images waiting at most; beyond, requests get 503")
      ->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_option("--workers", s.workers, "Connection threads (each keep-alive client holds one)")
      ->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_option("--max-body-mb", args->max_body_mb, "Largest request body (MiB); larger gets 413")
      ->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_option("--max-images", s.request.max_images, "Images per request; more gets 413")
      ->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_option("--max-image-pixels", s.request.max_image_pixels, "Largest width x height of an image (from its header)")
      ->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_option("--timeout-ms", s.request_timeout_ms, "Request timeout: socket reads and writes, and waiting for the model (then 504)")
      ->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_option("--max-img-size", args->max_img_size, "Largest img_size a request's model_settings may ask for")
      ->check(CLI::Range(32, 8192))->capture_default_str();
  cmd->add_option("--max-tiles", args->max_tiles, "Most tiles a tile_grid_size may make")->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_option("--set", args->settings, "key=value: override an inference setting of the package (repeatable)");
  cmd->add_option("--device", args->device, "cpu, cuda, cuda:N or auto")->capture_default_str();
  cmd->callback([args] { run(*args); });
});

}  // namespace
}  // namespace autodet::cli
#endif
