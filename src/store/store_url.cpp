#include "store/store_url.h"

#include <regex>

namespace autodet::store {
namespace {

// The password part of a URL: between "user:" and "@" of the authority, and any password= option.
std::string password_of(const std::string& url) {
  static const std::regex authority(R"(^[a-zA-Z]+://[^:/@?]*:([^@/?]*)@)");
  static const std::regex option(R"([?&]password=([^&]*))");
  std::smatch m;
  if (std::regex_search(url, m, authority)) return m[1].str();
  if (std::regex_search(url, m, option)) return m[1].str();
  return "";
}

}  // namespace

bool is_postgres_url(const std::string& url) {
  return url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0;
}

std::string redact_url(const std::string& url) {
  static const std::regex authority(R"(^([a-zA-Z]+://[^:/@?]*):[^@/?]*@)");
  static const std::regex option(R"(([?&])password=[^&]*&?)");
  std::string out = std::regex_replace(url, authority, "$1@");
  out = std::regex_replace(out, option, "$1");
  while (!out.empty() && (out.back() == '?' || out.back() == '&')) out.pop_back();
  return out;
}

std::string redact_password(const std::string& text, const std::string& url) {
  const std::string password = password_of(url);
  if (password.empty()) return text;
  std::string out = text;
  for (std::size_t at = out.find(password); at != std::string::npos; at = out.find(password, at + 3))
    out.replace(at, password.size(), "***");
  return out;
}

}  // namespace autodet::store
