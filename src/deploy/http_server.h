#pragma once
// The HTTP scoring server (`autodet serve`): the Azure online-endpoint schema (spec §7.1-7.2) on
// POST /score, plus GET /health (alive), GET /ready (model loaded, not shutting down) and
// GET /v1/model (labels, settings, metrics). A thin layer over a Scorer: requests are checked
// against limits, decoded on a bounded worker pool, and scored in micro-batches.
#include <cstddef>
#include <memory>
#include <string>

#include "deploy/micro_batcher.h"
#include "deploy/score_request.h"
#include "deploy/scorer.h"

namespace autodet {

struct ServeOptions {
  std::string host = "127.0.0.1";
  int port = 8080;                      // 0: any free port (see ScoringServer::port())
  std::string api_key;                  // "": no authentication
  std::size_t max_body_bytes = 64u << 20;
  RequestLimits request;                // images per request, pixels per image
  int request_timeout_ms = 30000;       // waiting for a request's detections (then 504)
  int io_timeout_ms = 30000;            // socket reads and writes of a connection
  int workers = 16;                     // connection threads (each keep-alive client holds one)
  BatcherOptions batcher;
  int retry_after_s = 1;                // Retry-After of a 503
};

class ScoringServer {
 public:
  // The scorer must outlive the server.
  ScoringServer(Scorer& scorer, ServeOptions options);
  ~ScoringServer();  // shutdown()
  ScoringServer(const ScoringServer&) = delete;
  ScoringServer& operator=(const ScoringServer&) = delete;

  // Opens the listening socket; returns the port. Throws Error when it cannot.
  int bind();
  // Serves (binding first when needed) until shutdown(); returns once in-flight requests are answered.
  void serve();
  // serve() on a background thread; returns when connections are accepted.
  void start();
  // Stops accepting connections, answers the requests in flight, and stops. Safe from any thread
  // (not from a signal handler) and more than once.
  void shutdown();

  int port() const;
  // What the micro-batcher has done so far (batches, images, refused requests).
  MicroBatcher::Stats batch_stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// True for 127.0.0.0/8, ::1 and "localhost": addresses other machines cannot reach.
bool is_loopback_host(const std::string& host);

}  // namespace autodet
