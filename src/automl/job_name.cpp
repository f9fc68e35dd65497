#include "automl/job_name.h"

#include <cctype>
#include <ctime>

#include <fmt/format.h>

#include "core/rng.h"
#include "store/job_name.h"

namespace autodet {

bool valid_job_name(const std::string& name) {
  if (name.empty() || name.size() > store::kMaxJobNameLength || !std::isalnum(static_cast<unsigned char>(name[0])))
    return false;
  for (unsigned char c : name)
    if (!(std::isalnum(c) || c == '_' || c == '-' || c == '.')) return false;
  return true;
}

std::string name_part(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    const bool keep = c < 0x80 && (std::isalnum(c) || c == '_' || c == '-');
    if (keep) out += char(c);
    else if (!out.empty() && out.back() != '-') out += '-';
  }
  while (!out.empty() && (out.back() == '-' || out.back() == '_')) out.pop_back();
  std::size_t b = 0;
  while (b < out.size() && !std::isalnum(static_cast<unsigned char>(out[b]))) ++b;
  out = out.substr(b, store::kMaxJobNameLength - 21);  // room for "-yyyymmdd-hhmmss-xxxx"
  while (!out.empty() && (out.back() == '-' || out.back() == '_')) out.pop_back();
  return out;
}

std::string generate_job_name(const std::string& experiment_name, std::chrono::system_clock::time_point now,
                              Rng& rng) {
  std::string base = name_part(experiment_name);
  if (base.empty()) base = "job";
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm utc{};
  gmtime_r(&t, &utc);
  return fmt::format("{}-{:04d}{:02d}{:02d}-{:02d}{:02d}{:02d}-{:04x}", base, utc.tm_year + 1900, utc.tm_mon + 1,
                     utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, unsigned(rng.below(0x10000)));
}

}  // namespace autodet
