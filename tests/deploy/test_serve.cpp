// The HTTP server, started for real on a loopback port with a real YOLOv5-nano package: the
// Azure response schema, authentication, every refusal (and answers staying right after them),
// 503 under overload, and graceful shutdown of the `autodet serve` process on SIGTERM; each on
// the package and on its ONNX export.
#ifdef AUTODET_HAVE_HTTPLIB  // set by src/deploy/http.cmake
#include <atomic>
#include <chrono>
#include <csignal>
#include <regex>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include "core/base64.h"
#include "deploy/http_server.h"
#include "deploy/httplib_config.h"
#include "deploy/predictor.h"
#include "export/onnx_export.h"
#include "test_util.h"

using namespace autodet;
using namespace autodet::testing;
using nlohmann::json;

namespace {

const std::vector<std::string> kLabels{"bird", "cat", "dog"};

std::string encoded(const std::string& ext, int w, int h, int seed) {
  cv::Mat m(h, w, CV_8UC3);
  cv::randu(m, cv::Scalar::all(0), cv::Scalar::all(255));
  cv::rectangle(m, cv::Rect(w / 4, h / 4, w / 3, h / 3), cv::Scalar(seed * 40 % 256, 200, 30), cv::FILLED);
  std::vector<unsigned char> buf;
  cv::imencode(ext, m, buf);
  return std::string(buf.begin(), buf.end());
}

std::string body_of(const std::vector<std::string>& b64, const json& model_settings = nullptr) {
  json j{{"input_data", {{"columns", {"image"}}, {"index", json::array()}, {"data", b64}}}};
  for (std::size_t i = 0; i < b64.size(); ++i) j["input_data"]["index"].push_back(i);
  if (!model_settings.is_null()) j["model_settings"] = model_settings;
  return j.dump();
}

// A package (or, with onnx, its ONNX export run by OpenCV DNN), its predictor and a server on a
// free loopback port.
struct Served {
  TempDir dir;
  std::unique_ptr<Scorer> predictor;
  std::unique_ptr<ScoringServer> server;

  explicit Served(bool onnx, ServeOptions o = {}, int img_size = 128) {
    write_untrained_package(dir / "pkg", "nano", kLabels, img_size, 11, {{"box_score_thresh", 0.01}, {"box_detections_per_img", 30}});
    PredictorOptions po;
    po.package_dir = dir / "pkg";
    if (onnx) {
      po.package_dir = dir / "model.onnx";
      export_onnx(dir / "pkg", po.package_dir, OnnxExportOptions{});
    }
    po.max_batch = o.batcher.max_batch;
    predictor = load_predictor(po);
    o.port = 0;
    server = std::make_unique<ScoringServer>(*predictor, o);
    server->start();
  }
  httplib::Client client() const {
    httplib::Client c("127.0.0.1", server->port());
    c.set_read_timeout(60, 0);
    return c;
  }
};

void expect_schema(const json& element) {
  ASSERT_TRUE(element.is_object());
  ASSERT_EQ(element.size(), 1u) << element.dump();
  ASSERT_TRUE(element["boxes"].is_array());
  for (const auto& b : element["boxes"]) {
    ASSERT_EQ(b.size(), 3u) << b.dump();
    const auto& box = b.at("box");
    ASSERT_EQ(box.size(), 4u);
    for (const char* k : {"topX", "topY", "bottomX", "bottomY"}) {
      ASSERT_TRUE(box.at(k).is_number()) << b.dump();
      EXPECT_GE(box[k].get<double>(), 0.0);
      EXPECT_LE(box[k].get<double>(), 1.0);
    }
    EXPECT_LE(box["topX"].get<double>(), box["bottomX"].get<double>());
    EXPECT_LE(box["topY"].get<double>(), box["bottomY"].get<double>());
    EXPECT_NE(std::find(kLabels.begin(), kLabels.end(), b.at("label").get<std::string>()), kLabels.end());
    EXPECT_TRUE(b.at("score").is_number());
  }
}

// Each scoring test runs on the package and on its ONNX export: the same answers either way.
class ServeModel : public ::testing::TestWithParam<std::string> {};
INSTANTIATE_TEST_SUITE_P(Model, ServeModel, ::testing::Values("package", "onnx"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

}  // namespace

TEST_P(ServeModel, AnswersTheAzureSchemaForTwoImages) {
  Served s(GetParam() == "onnx");
  auto c = s.client();
  const std::string jpg = encoded(".jpg", 200, 120, 1), png = encoded(".png", 90, 160, 2);
  std::string wrapped;  // Python's base64.encodebytes: newlines every 76 characters
  const std::string b64 = encode_base64(png);
  for (std::size_t i = 0; i < b64.size(); i += 76) wrapped += b64.substr(i, 76) + "\n";
  auto res = c.Post("/score", body_of({encode_base64(jpg), wrapped}), "application/json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
  const json out = json::parse(res->body);
  ASSERT_TRUE(out.is_array());
  ASSERT_EQ(out.size(), 2u);
  for (const auto& e : out) expect_schema(e);
  // In input order, and what the predictor itself finds.
  const auto direct = s.predictor->score({cv::imdecode(std::vector<unsigned char>(jpg.begin(), jpg.end()), cv::IMREAD_COLOR),
                                            cv::imdecode(std::vector<unsigned char>(png.begin(), png.end()), cv::IMREAD_COLOR)},
                                          s.predictor->settings());
  for (std::size_t i = 0; i < 2; ++i) {
    ASSERT_EQ(out[i]["boxes"].size(), direct[i].size());
    for (std::size_t k = 0; k < direct[i].size(); ++k) {
      EXPECT_NEAR(out[i]["boxes"][k]["box"]["topX"].get<double>(), direct[i][k].x0, 1e-6);
      EXPECT_NEAR(out[i]["boxes"][k]["score"].get<double>(), direct[i][k].score, 1e-6);
      EXPECT_EQ(out[i]["boxes"][k]["label"], kLabels[std::size_t(direct[i][k].cls)]);
    }
  }
  // A raw image body gives the same answer for that image.
  res = c.Post("/score", jpg, "image/jpeg");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(json::parse(res->body), json::array({out[0]}));
  // Per-request settings, within the same rules as settings.json.
  res = c.Post("/score", body_of({encode_base64(jpg)}, {{"box_detections_per_img", 2}, {"box_iou_thresh", 0.4}}), "application/json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(json::parse(res->body)[0]["boxes"].size(), std::min<std::size_t>(2, direct[0].size()));
  res = c.Post("/score", body_of({encode_base64(jpg)}, {{"tile_grid_size", "2x2"}}), "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200) << res->body;
  res = c.Post("/score", body_of({encode_base64(jpg)}, {{"img_size", 100000}}), "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_NE(res->body.find("model_settings: img_size"), std::string::npos) << res->body;

  res = c.Get("/health");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(json::parse(res->body)["status"], "alive");
  res = c.Get("/ready");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  res = c.Get("/v1/model");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);
  const json model = json::parse(res->body);
  EXPECT_EQ(model["labels"], kLabels);
  EXPECT_EQ(model["settings"]["box_score_thresh"], 0.01);
  EXPECT_TRUE(model.contains("metrics"));
  EXPECT_GT(model["serving"]["images"].get<int>(), 0);
}

TEST_P(ServeModel, RefusesMalformedRequestsAndKeepsAnsweringRight) {
  ServeOptions o;
  o.max_body_bytes = 1 << 20;
  Served s(GetParam() == "onnx", o);
  auto c = s.client();
  const std::string good = encode_base64(encoded(".jpg", 160, 100, 3));
  const std::string body = body_of({good});
  auto first = c.Post("/score", body, "application/json");
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 200);

  std::string bomb = encoded(".png", 4, 4, 0).substr(0, 33);  // IHDR says 100000 x 100000
  for (int at : {16, 20}) {
    bomb[std::size_t(at)] = 0;
    bomb[std::size_t(at) + 1] = 0x01;
    bomb[std::size_t(at) + 2] = char(0x86);
    bomb[std::size_t(at) + 3] = char(0xA0);
  }
  struct Case {
    std::string name, body, expect;
    int status;
  } cases[] = {
      {"not JSON", "{\"input_data\": [", "not valid JSON", 400},
      {"wrong columns", json{{"input_data", {{"columns", {"picture"}}, {"data", {good}}}}}.dump(), "columns", 400},
      {"bad base64", body_of({good, "$$$$"}), "input_data.data[1] (index 1): bad base64", 400},
      {"not an image", body_of({encode_base64("GIF89a, or just some text")}), "input_data.data[0] (index 0)", 400},
      {"huge dimensions", body_of({good, encode_base64(bomb)}), "input_data.data[1] (index 1): image is 100000x100000", 400},
      {"oversized body", body_of({std::string(2 << 20, 'A')}), "larger than 1048576 bytes", 413},
  };
  for (const auto& k : cases) {
    auto res = c.Post("/score", k.body, "application/json");
    ASSERT_TRUE(res) << k.name;
    EXPECT_EQ(res->status, k.status) << k.name << ": " << res->body;
    const json err = json::parse(res->body, nullptr, false);
    ASSERT_TRUE(err.is_object()) << k.name << ": " << res->body;
    EXPECT_EQ(err["status"], k.status);
    EXPECT_NE(err["error"].get<std::string>().find(k.expect), std::string::npos) << k.name << ": " << res->body;
  }
  auto res = c.Get("/no/such/page");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  EXPECT_TRUE(json::parse(res->body, nullptr, false).is_object()) << res->body;
  // After all of that, the same request gets the same answer, on a fresh connection and this one.
  res = c.Post("/score", body, "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, first->body);
  res = s.client().Post("/score", body, "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->body, first->body);
}

TEST_P(ServeModel, RequiresTheApiKeyWhenOneIsSet) {
  ServeOptions o;
  o.api_key = "s3cret-key";
  Served s(GetParam() == "onnx", o);
  auto c = s.client();
  const std::string body = body_of({encode_base64(encoded(".jpg", 64, 64, 4))});
  auto res = c.Post("/score", body, "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  EXPECT_EQ(res->get_header_value("WWW-Authenticate"), "Bearer");
  res = c.Post("/score", {{"Authorization", "Bearer wrong-key!"}}, body, "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  res = c.Get("/v1/model");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  res = c.Get("/health");  // probes need no key
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  res = c.Post("/score", {{"Authorization", "Bearer s3cret-key"}}, body, "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200) << res->body;
  c.set_bearer_token_auth("s3cret-key");
  res = c.Get("/v1/model");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
}

TEST_P(ServeModel, OverloadIsRefusedWith503AndRetryAfter) {
  ServeOptions o;
  o.batcher.max_batch = 1;
  o.batcher.max_wait_ms = 0;
  o.batcher.max_queue_images = 1;
  Served s(GetParam() == "onnx", o, 256);
  const std::string body = body_of({encode_base64(encoded(".jpg", 320, 240, 5))});
  std::atomic<int> ok{0}, busy{0}, other{0};
  std::atomic<bool> retry_after{true};
  std::vector<std::thread> clients;
  for (int i = 0; i < 8; ++i)
    clients.emplace_back([&] {
      auto c = s.client();
      for (int r = 0; r < 3; ++r) {
        auto res = c.Post("/score", body, "application/json");
        if (res && res->status == 200) ++ok;
        else if (res && res->status == 503) {
          ++busy;
          if (res->get_header_value("Retry-After") != "1") retry_after = false;
        } else {
          ++other;
        }
      }
    });
  for (auto& t : clients) t.join();
  EXPECT_GT(busy.load(), 0);
  EXPECT_GT(ok.load(), 0);
  EXPECT_EQ(other.load(), 0);
  EXPECT_TRUE(retry_after.load());
  EXPECT_GT(s.server->batch_stats().refused, 0);
  auto res = s.client().Post("/score", body, "application/json");  // and it recovers
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
}

TEST_P(ServeModel, ARequestThatWaitsTooLongGets504AndLeavesTheQueue) {
  ServeOptions o;
  o.request_timeout_ms = 1;  // no forward pass is that fast
  Served s(GetParam() == "onnx", o);
  auto c = s.client();
  auto res = c.Post("/score", body_of({encode_base64(encoded(".jpg", 320, 240, 7))}, {{"tile_grid_size", "3x3"}}),
                    "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 504) << res->body;
  EXPECT_NE(json::parse(res->body)["error"].get<std::string>().find("within 1 ms"), std::string::npos) << res->body;
  res = c.Get("/health");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
}

TEST_P(ServeModel, SigtermFinishesTheRequestInFlightThenExits) {
  TempDir t;
  // 640 px, so that the exported graph (whose input size is fixed) takes the slow request below.
  write_untrained_package(t / "pkg", "nano", kLabels, 640, 3);
  std::string model = t / "pkg";
  if (GetParam() == "onnx") {
    model = t / "model.onnx";
    export_onnx(t / "pkg", model, OnnxExportOptions{});
  }
  const std::string log_path = t / "serve.log";
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    std::freopen(log_path.c_str(), "w", stderr);
    std::freopen("/dev/null", "w", stdout);
    ::execl(AUTODET_BINARY, AUTODET_BINARY, "serve", "--model", model.c_str(), "--port", "0", (char*)nullptr);
    std::_Exit(127);
  }
  int port = 0;
  const std::regex listening("http://127\\.0\\.0\\.1:([0-9]+)");
  for (int i = 0; i < 600 && !port; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::smatch m;
    const std::string log = read_text(log_path);
    if (std::regex_search(log, m, listening)) port = std::stoi(m[1]);
  }
  ASSERT_GT(port, 0) << read_text(log_path);

  // A slow request: 3x3 tiles make ten 640x640 forward passes.
  int status = 0;
  std::thread slow([&] {
    httplib::Client c("127.0.0.1", port);
    c.set_read_timeout(60, 0);
    auto res = c.Post("/score", body_of({encode_base64(encoded(".jpg", 640, 480, 6))}, {{"img_size", 640}, {"tile_grid_size", "3x3"}}),
                      "application/json");
    status = res ? res->status : -1;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ::kill(pid, SIGTERM);
  // New connections are refused while the request in flight is answered.
  bool refused = false;
  for (int i = 0; i < 100 && !refused; ++i) {
    httplib::Client c("127.0.0.1", port);
    c.set_connection_timeout(0, 200000);
    refused = !c.Get("/health");
    if (!refused) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  slow.join();
  EXPECT_TRUE(refused);
  EXPECT_EQ(status, 200) << read_text(log_path);
  int wstatus = 0;
  pid_t done = 0;
  for (int i = 0; i < 200 && done == 0; ++i) {
    done = ::waitpid(pid, &wstatus, WNOHANG);
    if (!done) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (!done) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &wstatus, 0);
    FAIL() << "serve did not exit after SIGTERM\n" << read_text(log_path);
  }
  EXPECT_TRUE(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0) << read_text(log_path);
  const std::string log = read_text(log_path);
  const auto stop_at = log.find("stopping:");
  const auto answered_at = log.find("access method=POST path=/score status=200 images=1");
  ASSERT_NE(stop_at, std::string::npos) << log;
  ASSERT_NE(answered_at, std::string::npos) << log;
  EXPECT_LT(stop_at, answered_at) << "the request was not in flight at SIGTERM\n" << log;
}

#endif  // AUTODET_HAVE_HTTPLIB
