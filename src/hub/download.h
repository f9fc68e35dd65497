#pragma once
// Downloads over HTTPS with libcurl: redirects followed (HTTPS only), a partial file resumed
// with a Range request, dropped connections retried from where they stopped.
#include <cstdint>
#include <functional>
#include <string>

namespace autodet::hub {

struct DownloadOptions {
  std::string ca_file;       // certificates to trust instead of the system's ("" = system)
  int attempts = 5;          // connections tried before giving up on a dropping server
  long connect_timeout_s = 30;
  long stall_timeout_s = 60;  // abort an attempt that receives under 1 byte/s this long
  std::function<void(std::int64_t done, std::int64_t total)> progress;  // total -1 when unknown
};

struct DownloadResult {
  std::int64_t bytes = 0;   // size of the file
  int attempts = 0;         // connections it took
  bool resumed = false;     // some attempt continued a partial file
};

// Appends what is missing of `url` to `part_path` (created when absent, continued when present).
// Throws Error naming the URL on a refused certificate, an HTTP error or too many drops; what
// was received stays in part_path for the next call.
DownloadResult download_to(const std::string& url, const std::string& part_path, const DownloadOptions& options = {});

}  // namespace autodet::hub
