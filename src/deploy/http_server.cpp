#include "deploy/http_server.h"

#if __has_include(<httplib.h>)  // the library is optional: without it `serve` is left out

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/log.h"
#include "deploy/detections_json.h"
#include "deploy/httplib_config.h"

namespace autodet {
namespace {

using Clock = std::chrono::steady_clock;

// What the access log needs of the request this worker thread is answering.
struct AccessTrace {
  Clock::time_point start;
  bool started = false;
  std::size_t images = 0;
};
thread_local AccessTrace g_trace;

void send_json(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), "application/json");
}

void send_error(httplib::Response& res, int status, const std::string& message) {
  send_json(res, status, nlohmann::json{{"error", message}, {"status", status}});
}

// Constant time in the key's length, so the comparison does not leak how much of a guess was right.
bool same_secret(const std::string& a, const std::string& b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ (i < b.size() ? b[i] : 0));
  return diff == 0;
}

// Why httplib itself refused a request, for the JSON body of its error responses.
std::string refusal_reason(int status, const httplib::Request& req) {
  switch (status) {
    case 400: return "malformed HTTP request";
    case 404: return "no such endpoint: " + req.method + " " + req.path + " (POST /score, GET /health, /ready, /v1/model)";
    case 413: return "the request body is too large";
    case 414: return "the request line is too long";
    case 500: return "internal error";
    default: return "HTTP error " + std::to_string(status);
  }
}

}  // namespace

struct ScoringServer::Impl {
  Impl(Scorer& s, ServeOptions opts) : scorer(s), o(std::move(opts)), batcher(s, o.batcher) {}

  Scorer& scorer;
  ServeOptions o;
  MicroBatcher batcher;
  httplib::Server http;
  std::atomic<bool> draining{false};
  std::mutex state_mutex;
  bool bound = false, serving = false, finished = false;
  int port = -1;
  std::thread thread;

  bool authorized(const httplib::Request& req) const {
    return o.api_key.empty() || same_secret(req.get_header_value("Authorization"), "Bearer " + o.api_key);
  }

  // Common refusals; true when the response is already set.
  bool refuse(const httplib::Request& req, httplib::Response& res, bool needs_key) {
    if (draining) {
      send_error(res, 503, "the server is shutting down");
      res.set_header("Connection", "close");
      return true;
    }
    if (needs_key && !authorized(req)) {
      send_error(res, 401, "missing or wrong API key: send the header 'Authorization: Bearer KEY'");
      res.set_header("WWW-Authenticate", "Bearer");
      return true;
    }
    return false;
  }

  void overloaded(httplib::Response& res) {
    send_error(res, 503, "the server is busy: its queue is full, try again shortly");
    res.set_header("Retry-After", std::to_string(o.retry_after_s));
  }

  // Reads the body up to the size limit; false (response set) when it is too large or unreadable.
  bool read_body(const httplib::ContentReader& reader, httplib::Response& res, std::string* body) {
    bool too_big = false;
    std::size_t size = 0;
    const bool ok = reader([&](const char* data, std::size_t n) {
      size += n;
      if (size > o.max_body_bytes) {
        too_big = true;
        return false;
      }
      if (body) body->append(data, n);
      return true;
    });
    if (too_big || res.status == 413) {
      send_error(res, 413, fmt::format("the request body is larger than {} bytes", o.max_body_bytes));
      res.set_header("Connection", "close");
      return false;
    }
    if (!ok) {
      send_error(res, 400, "the request body could not be read");
      res.set_header("Connection", "close");
      return false;
    }
    return true;
  }

  void score(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
    const bool refused = refuse(req, res, true);
    if (!refused && batcher.refuses()) overloaded(res);
    if (refused || res.status == 503) {
      // Read and drop the body, so the connection stays usable (httplib may set res.status meanwhile).
      const int status = res.status;
      httplib::Response scratch;
      const bool drained = read_body(reader, scratch, nullptr);
      res.status = status;
      if (!drained) res.set_header("Connection", "close");
      return;
    }
    std::string body;
    if (!read_body(reader, res, &body)) return;
    ScoreRequest request;
    InferenceSettings settings;
    std::vector<cv::Mat> images;
    try {
      request = parse_score_request(body, req.get_header_value("Content-Type"), o.request);
      body.clear();
      body.shrink_to_fit();
      try {
        settings = apply_settings(scorer.settings(), request.model_settings, scorer.limits(), /*strict=*/true);
      } catch (const UsageError& e) {
        throw RequestError(400, std::string("model_settings: ") + e.what());
      }
      for (std::size_t i = 0; i < request.images.size(); ++i) {
        images.push_back(decode_request_image(request.images[i], request.names[i], o.request.max_image_pixels));
        request.images[i].clear();
        request.images[i].shrink_to_fit();
      }
    } catch (const RequestError& e) {
      send_error(res, e.status(), e.what());
      return;
    }
    g_trace.images = images.size();
    auto ticket = batcher.submit(std::move(images), settings);
    if (!ticket) return overloaded(res);
    auto dets = ticket->wait(std::chrono::milliseconds(o.request_timeout_ms));
    if (!dets) return send_error(res, 504, fmt::format("no answer from the model within {} ms", o.request_timeout_ms));
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& d : *dets) out.push_back(detections_json(d, scorer.labels()));
    res.status = 200;
    res.set_content(out.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace), "application/json");
  }

  void routes() {
    http.set_pre_routing_handler([](const httplib::Request&, httplib::Response&) {
      g_trace = AccessTrace{Clock::now(), true, 0};
      return httplib::Server::HandlerResponse::Unhandled;
    });
    http.Post("/score", [this](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
      score(req, res, reader);
    });
    http.Get("/health", [](const httplib::Request&, httplib::Response& res) { send_json(res, 200, {{"status", "alive"}}); });
    http.Get("/ready", [this](const httplib::Request&, httplib::Response& res) {
      if (draining) send_json(res, 503, {{"status", "shutting down"}});
      else send_json(res, 200, {{"status", "ready"}});
    });
    http.Get("/v1/model", [this](const httplib::Request& req, httplib::Response& res) {
      if (refuse(req, res, true)) return;
      nlohmann::json j = scorer.describe();
      const auto st = batcher.stats();
      j["serving"] = {{"batches", st.batches}, {"images", st.images}, {"refused", st.refused},
                      {"max_batch", o.batcher.max_batch}, {"max_wait_ms", o.batcher.max_wait_ms},
                      {"max_queue_images", o.batcher.max_queue_images}, {"max_images_per_request", o.request.max_images},
                      {"max_image_pixels", o.request.max_image_pixels}, {"max_body_bytes", o.max_body_bytes}};
      send_json(res, 200, j);
    });
    // httplib's own refusals (unknown path, unparsable request, body over the limit) get a JSON body too.
    http.set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request& req, httplib::Response& res) {
      if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
      send_error(res, res.status, refusal_reason(res.status, req));
      return httplib::Server::HandlerResponse::Handled;
    }));
    http.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
      std::string what = "unknown error";
      try {
        std::rethrow_exception(ep);
      } catch (const std::exception& e) {
        what = e.what();
      } catch (...) {
      }
      log::error("scoring failed: {}", what);
      send_error(res, 500, "internal error: " + what);
    });
    http.set_logger([](const httplib::Request& req, const httplib::Response& res) {
      const double ms = g_trace.started ? std::chrono::duration<double, std::milli>(Clock::now() - g_trace.start).count() : 0.0;
      auto field = [](const std::string& v) { return v.empty() ? std::string("-") : v; };  // an unparsable request has none
      log::info("access method={} path={} status={} images={} latency_ms={:.1f} remote={}", field(req.method), field(req.path),
                res.status, g_trace.images, ms, field(req.remote_addr));
      g_trace = AccessTrace{};
    });
  }
};

ScoringServer::ScoringServer(Scorer& scorer, ServeOptions options) : impl_(std::make_unique<Impl>(scorer, std::move(options))) {
  auto& o = impl_->o;
  if (o.workers < 1) throw UsageError(Location{"", 0, "", "--workers"}, "must be at least 1");
  if (o.request_timeout_ms < 1 || o.io_timeout_ms < 1) throw UsageError(Location{"", 0, "", "--timeout-ms"}, "must be at least 1");
  auto& http = impl_->http;
  const int workers = o.workers;
  http.new_task_queue = [workers] { return new httplib::ThreadPool(std::size_t(workers)); };
  http.set_payload_max_length(o.max_body_bytes);
  const auto timeout = std::chrono::milliseconds(o.io_timeout_ms);
  http.set_read_timeout(timeout);
  http.set_write_timeout(timeout);
  http.set_keep_alive_max_count(1000);
  http.set_keep_alive_timeout(2);
  http.set_tcp_nodelay(true);
  impl_->routes();
}

ScoringServer::~ScoringServer() {
  shutdown();
  impl_->batcher.stop();
}

int ScoringServer::bind() {
  std::lock_guard<std::mutex> lock(impl_->state_mutex);
  if (impl_->bound) return impl_->port;
  const auto& o = impl_->o;
  int port = o.port;
  if (o.port == 0) port = impl_->http.bind_to_any_port(o.host);
  else if (!impl_->http.bind_to_port(o.host, o.port)) port = -1;
  if (port < 0) throw Error(fmt::format("cannot listen on {}:{} (address in use, or not an address of this machine)", o.host, o.port));
  impl_->bound = true;
  impl_->port = port;
  return port;
}

void ScoringServer::serve() {
  bind();
  {
    std::lock_guard<std::mutex> lock(impl_->state_mutex);
    if (impl_->draining || impl_->serving) return;
    impl_->serving = true;
  }
  impl_->http.listen_after_bind();
  impl_->batcher.stop();  // every connection is answered: score what is left and end the batch thread
  std::lock_guard<std::mutex> lock(impl_->state_mutex);
  impl_->finished = true;
}

void ScoringServer::start() {
  bind();
  impl_->thread = std::thread([this] { serve(); });
  const auto give_up = Clock::now() + std::chrono::seconds(10);
  while (!impl_->http.is_running() && Clock::now() < give_up) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

void ScoringServer::shutdown() {
  impl_->draining = true;
  bool stopped = false;
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(impl_->state_mutex);
      if (!impl_->serving || impl_->finished) break;
    }
    // Once: closes the listening socket; listen returns when the workers have answered their requests.
    if (!stopped && impl_->http.is_running()) {
      impl_->http.stop();
      stopped = true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (impl_->thread.joinable() && impl_->thread.get_id() != std::this_thread::get_id()) impl_->thread.join();
}

int ScoringServer::port() const { return impl_->port; }

MicroBatcher::Stats ScoringServer::batch_stats() const { return impl_->batcher.stats(); }

bool is_loopback_host(const std::string& host) {
  return host == "localhost" || host == "::1" || host == "[::1]" || host.rfind("127.", 0) == 0;
}

}  // namespace autodet

#endif  // __has_include(<httplib.h>)
