#include "hub/download.h"

#include <cstdio>
#include <filesystem>
#include <memory>
#include <mutex>

#include <curl/curl.h>
#include <fmt/format.h>

#include "core/error.h"

namespace autodet::hub {
namespace {

namespace stdfs = std::filesystem;

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Sink {
  CURL* curl = nullptr;
  FILE* file = nullptr;
  std::string path;
  std::int64_t offset = 0;  // bytes in the file when the attempt started
  std::int64_t written = 0;
  bool checked_status = false;
  bool failed = false;
};

// Writes the body. A server that ignored the Range request (200 instead of 206) resends the whole
// file: the partial file is started over.
std::size_t on_body(char* data, std::size_t size, std::size_t n, void* user) {
  auto* s = static_cast<Sink*>(user);
  if (!s->checked_status) {
    s->checked_status = true;
    long code = 0;
    curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &code);
    if (s->offset > 0 && code == 200) {
      if (std::freopen(s->path.c_str(), "wb", s->file) == nullptr) {
        s->failed = true;
        return 0;
      }
      s->offset = 0;
    }
  }
  const std::size_t bytes = size * n;
  if (std::fwrite(data, 1, bytes, s->file) != bytes) {
    s->failed = true;
    return 0;
  }
  s->written += std::int64_t(bytes);
  return bytes;
}

struct ProgressState {
  const DownloadOptions* options;
  std::int64_t offset;
};

int on_progress(void* user, curl_off_t total, curl_off_t now, curl_off_t, curl_off_t) {
  auto* p = static_cast<ProgressState*>(user);
  if (p->options->progress) p->options->progress(p->offset + now, total > 0 ? p->offset + total : -1);
  return 0;
}

bool retryable(CURLcode rc) {
  return rc == CURLE_PARTIAL_FILE || rc == CURLE_RECV_ERROR || rc == CURLE_SEND_ERROR || rc == CURLE_GOT_NOTHING ||
         rc == CURLE_OPERATION_TIMEDOUT || rc == CURLE_COULDNT_CONNECT || rc == CURLE_SSL_CONNECT_ERROR;
}

}  // namespace

DownloadResult download_to(const std::string& url, const std::string& part_path, const DownloadOptions& o) {
  global_init();
  if (url.rfind("https://", 0) != 0) throw UsageError(Location{"", 0, "", "url"}, "only https:// downloads are allowed: " + url);
  DownloadResult result;
  std::string last_error;
  for (int attempt = 1; attempt <= std::max(1, o.attempts); ++attempt) {
    result.attempts = attempt;
    std::error_code ec;
    const std::int64_t offset = stdfs::exists(part_path) ? std::int64_t(stdfs::file_size(part_path, ec)) : 0;
    if (offset > 0) result.resumed = true;
    std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(part_path.c_str(), "ab"), &std::fclose);
    if (!file) throw DataError(Location{part_path, 0, "", ""}, "cannot write the download here");
    std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), &curl_easy_cleanup);
    if (!curl) throw Error("libcurl could not start a transfer");
    Sink sink{curl.get(), file.get(), part_path, offset, 0, false, false};
    ProgressState progress{&o, offset};
    char errbuf[CURL_ERROR_SIZE] = {0};
    CURL* c = curl.get();
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, 10L);
    curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, o.connect_timeout_s);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, o.stall_timeout_s);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "autodet/0.1");
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, &progress);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, o.progress ? 0L : 1L);
    if (!o.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, o.ca_file.c_str());
    if (offset > 0) curl_easy_setopt(c, CURLOPT_RESUME_FROM_LARGE, curl_off_t(offset));
    const CURLcode rc = curl_easy_perform(c);
    std::fflush(file.get());
    long code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    if (sink.failed) throw DataError(Location{part_path, 0, "", ""}, "cannot write the download here (disk full?)");
    if (rc == CURLE_OK) {
      result.bytes = std::int64_t(stdfs::file_size(part_path, ec));
      return result;
    }
    if (rc == CURLE_HTTP_RETURNED_ERROR && code == 416 && offset > 0) {
      // Range not satisfiable: the partial file is already whole (the hash check decides).
      result.bytes = offset;
      return result;
    }
    last_error = fmt::format("{} ({})", errbuf[0] ? errbuf : curl_easy_strerror(rc), code ? "HTTP " + std::to_string(code) : "no HTTP status");
    if (!retryable(rc)) throw Error(fmt::format("downloading {} failed: {}", url, last_error));
  }
  throw Error(fmt::format("downloading {} failed after {} attempts: {}; run the same command again to continue from the {} "
                          "bytes received",
                          url, result.attempts, last_error,
                          stdfs::exists(part_path) ? std::int64_t(stdfs::file_size(part_path)) : 0));
}

}  // namespace autodet::hub
