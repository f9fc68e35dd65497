// The weights cache: `pull` over HTTPS from a loopback server with a self-signed certificate made
// here (a redirect, a connection dropped half-way and resumed, a wrong hash refused), `import`
// by hash or by name, `verify` and `remove`.
#define CPPHTTPLIB_OPENSSL_SUPPORT
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include <gtest/gtest.h>

#include "core/error.h"
#include "core/fs.h"
#include "hub/sha256.h"
#include "hub/weights_cache.h"
#include "test_util.h"

using namespace autodet;
using namespace autodet::testing;

namespace {

const std::string kCoco = std::string(AUTODET_SOURCE_DIR) + "/../shared/weights/fastestdet/fastestdet_coco_ap50_0.253.pth";

#define AUTODET_REQUIRE_COCO_FILE()                                            \
  if (!std::filesystem::exists(kCoco)) {                                       \
    std::printf("skipping: %s is absent\n", kCoco.c_str());                    \
    GTEST_SKIP() << "the shared FastestDet weights are absent";                \
  }

// An HTTPS server on 127.0.0.1 serving `good` (its first transfer dropped half-way), `bad`, and
// a redirect to `good`.
class HttpsServer {
 public:
  HttpsServer(const TempDir& dir, std::string good, std::string bad) : good_(std::move(good)), bad_(std::move(bad)) {
    cert_ = dir / "cert.pem";
    key_ = dir / "key.pem";
    const std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost -addext "
                            "subjectAltName=IP:127.0.0.1,DNS:localhost -keyout " + key_ + " -out " + cert_ + " 2>/dev/null";
    ok_ = std::system(cmd.c_str()) == 0;
    if (!ok_) return;
    server_ = std::make_unique<httplib::SSLServer>(cert_.c_str(), key_.c_str());
    server_->Get("/good.pth", [this](const httplib::Request& req, httplib::Response& res) {
      const bool drop = good_requests_++ == 0;
      if (!req.ranges.empty()) ranged_requests_++;
      const std::string* body = &good_;
      res.set_content_provider(body->size(), "application/octet-stream",
                               [body, drop](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
                                 if (drop && offset >= body->size() / 2) return false;  // connection dropped
                                 const std::size_t n = std::min<std::size_t>(length, 16 << 10);
                                 sink.write(body->data() + offset, n);
                                 return true;
                               });
    });
    server_->Get("/bad.pth", [this](const httplib::Request&, httplib::Response& res) {
      res.set_content(bad_, "application/octet-stream");
    });
    server_->Get("/moved", [](const httplib::Request&, httplib::Response& res) { res.set_redirect("/good.pth"); });
    port_ = server_->bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_->listen_after_bind(); });
    for (int i = 0; i < 500 && !server_->is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ~HttpsServer() {
    if (server_) server_->stop();
    if (thread_.joinable()) thread_.join();
  }
  bool ok() const { return ok_; }
  std::string url(const std::string& path) const { return "https://127.0.0.1:" + std::to_string(port_) + path; }
  const std::string& cert() const { return cert_; }
  int good_requests() const { return good_requests_; }
  int ranged_requests() const { return ranged_requests_; }

 private:
  std::string good_, bad_, cert_, key_;
  bool ok_ = false;
  std::unique_ptr<httplib::SSLServer> server_;
  int port_ = 0;
  std::thread thread_;
  std::atomic<int> good_requests_{0}, ranged_requests_{0};
};

}  // namespace

TEST(WeightsCache, PullFollowsARedirectResumesADroppedTransferAndRecordsTheEntry) {
  AUTODET_REQUIRE_COCO_FILE();
  TempDir dir;
  HttpsServer server(dir, read_file(kCoco), "not the weights");
  ASSERT_TRUE(server.ok()) << "openssl could not make a certificate";
  hub::WeightsCache cache(dir / "cache");
  hub::DownloadOptions o;
  o.ca_file = server.cert();
  const hub::CachedWeights e = cache.pull("fastestdet-coco", server.url("/moved"), o);
  EXPECT_EQ(server.good_requests(), 2);    // dropped once, then continued
  EXPECT_EQ(server.ranged_requests(), 1);  // the second asked only for the rest
  EXPECT_EQ(e.sha256, hub::sha256_file(kCoco));
  EXPECT_EQ(e.size, std::int64_t(std::filesystem::file_size(kCoco)));
  EXPECT_EQ(e.origin, "pull");
  EXPECT_FALSE(e.added.empty());
  EXPECT_EQ(read_file(cache.path_of(hub::catalogue_entry("fastestdet-coco").source)), read_file(kCoco));
  EXPECT_FALSE(std::filesystem::exists(cache.path_of(hub::catalogue_entry("fastestdet-coco").source) + ".part"));
  bool listed = false;
  for (const auto& l : cache.list())
    if (l.name == "fastestdet-coco") {
      listed = true;
      EXPECT_TRUE(l.present);
      EXPECT_EQ(l.sha256, e.sha256);
      EXPECT_EQ(l.licence, "BSD-3-Clause");
    }
  EXPECT_TRUE(listed);
  const auto checked = cache.verify();
  ASSERT_EQ(checked.size(), 1u);
  EXPECT_TRUE(checked[0].ok) << checked[0].message;
  EXPECT_TRUE(cache.remove("fastestdet-coco"));
  EXPECT_FALSE(std::filesystem::exists(cache.path_of(hub::catalogue_entry("fastestdet-coco").source)));
}

TEST(WeightsCache, PullRefusesAWrongHashAnUntrustedCertificateAndPlainHttp) {
  TempDir dir;
  HttpsServer server(dir, "unused", std::string(5000, 'x'));
  ASSERT_TRUE(server.ok()) << "openssl could not make a certificate";
  hub::WeightsCache cache(dir / "cache");
  const std::string dest = cache.path_of(hub::catalogue_entry("fastestdet-coco").source);
  hub::DownloadOptions o;
  o.ca_file = server.cert();
  try {
    cache.pull("fastestdet-coco", server.url("/bad.pth"), o);
    FAIL() << "a wrong hash was accepted";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("sha256"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(std::filesystem::exists(dest));
  EXPECT_FALSE(std::filesystem::exists(dest + ".part"));  // the partial file is removed

  hub::DownloadOptions untrusted;  // the system's certificates do not include ours
  untrusted.attempts = 1;
  try {
    cache.pull("fastestdet-coco", server.url("/bad.pth"), untrusted);
    FAIL() << "a self-signed certificate was trusted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(server.url("/bad.pth")), std::string::npos) << e.what();
  }
  EXPECT_THROW(cache.pull("fastestdet-coco", "http://127.0.0.1:1/x.pth", o), UsageError);
  EXPECT_THROW(cache.pull("no-such-weights", server.url("/bad.pth"), o), UsageError);
}

TEST(WeightsCache, ImportRecognisesAPublishedFileByHashAndRefusesOthers) {
  AUTODET_REQUIRE_COCO_FILE();
  TempDir dir;
  hub::WeightsCache cache(dir / "cache");
  const hub::CachedWeights e = cache.import_file(kCoco, "");
  EXPECT_EQ(e.name, "fastestdet-coco");
  EXPECT_EQ(e.origin.rfind("import ", 0), 0u);
  EXPECT_TRUE(std::filesystem::exists(cache.path_of(hub::catalogue_entry("fastestdet-coco").source)));
  write_text(dir / "other.pth", "not a weight file");
  EXPECT_THROW(cache.import_file(dir / "other.pth", ""), UsageError);                 // unknown hash, no --arch
  EXPECT_THROW(cache.import_file(dir / "other.pth", "fastestdet-coco"), DataError);  // not the published file
  EXPECT_THROW(cache.import_file(dir / "missing.pth", "fastestdet-coco"), DataError);
  EXPECT_FALSE(cache.remove("fastestdet-imagenet"));
}
