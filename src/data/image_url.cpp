#include "data/image_url.h"

#include <filesystem>

#include "core/fs.h"

namespace autodet {
namespace {

std::string scheme_of(const std::string& url) {
  auto p = url.find("://");
  if (p == std::string::npos || p == 0) return "";
  for (std::size_t i = 0; i < p; ++i)
    if (!std::isalnum(static_cast<unsigned char>(url[i])) && url[i] != '+' && url[i] != '-' && url[i] != '.')
      return "";
  return url.substr(0, p);
}

std::string percent_decode(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += char(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// The path part of a remote URL: after "/paths/" for azureml datastore URIs, else after the host.
std::string remote_path_part(const std::string& url) {
  auto p = url.find("/paths/");
  if (url.rfind("azureml://", 0) == 0 && p != std::string::npos) return url.substr(p + 7);
  auto s = url.find("://");
  auto slash = url.find('/', s + 3);
  std::string path = slash == std::string::npos ? "" : url.substr(slash + 1);
  auto q = path.find_first_of("?#");
  if (q != std::string::npos) path.resize(q);
  return percent_decode(path);
}

}  // namespace

bool is_remote_url(const std::string& url) {
  std::string s = scheme_of(url);
  return !s.empty() && s != "file";
}

std::string resolve_image_url(const std::string& url, const std::string& base_dir, const ReadOptions& opts,
                              const Location& where, Diagnostics& diag) {
  if (url.empty()) {
    diag.error("missing_image_url", where, "image path is empty");
    return "";
  }
  // Explicit prefix remaps first: they may also apply to local paths.
  for (const auto& [prefix, dir] : opts.image_roots) {
    if (!prefix.empty() && url.rfind(prefix, 0) == 0) {
      std::string rest = url.substr(prefix.size());
      while (!rest.empty() && rest[0] == '/') rest.erase(0, 1);
      return join_path(dir, rest);
    }
  }
  std::string scheme = scheme_of(url);
  if (scheme == "file") {
    std::string p = url.substr(7);
    if (p.rfind("localhost/", 0) == 0) p = p.substr(9);
    return percent_decode(p);
  }
  if (!scheme.empty()) {
    std::string part = remote_path_part(url);
    for (const auto& [prefix, dir] : opts.image_roots) {
      if (!prefix.empty()) continue;
      // Try the whole path under dir, then drop leading folders one at a time.
      std::filesystem::path rel(part);
      std::vector<std::string> comps;
      for (const auto& c : rel) comps.push_back(c.string());
      for (std::size_t k = 0; k < comps.size(); ++k) {
        std::filesystem::path cand(dir);
        for (std::size_t j = k; j < comps.size(); ++j) cand /= comps[j];
        if (fs_exists(cand.string())) return cand.string();
      }
      diag.error("image_not_found", where,
                 "remote image '" + url + "' is not under --image-root " + dir + " (looked for '" + part +
                     "' and its trailing parts)");
      return "";
    }
    diag.error("remote_url", where,
               "'" + scheme + "://' images cannot be read offline: '" + url +
                   "'. Download the images and pass --image-root DIR (or --image-root PREFIX=DIR) to map the URL "
                   "to a local folder");
    return "";
  }
  if (std::filesystem::path(url).is_absolute()) return url;
  if (!stays_inside(url)) {
    diag.error("path_escapes_root", where,
               "relative image path '" + url + "' leads outside the dataset folder " + base_dir +
                   "; use an absolute path or move the annotations");
    return "";
  }
  return join_path(base_dir, url);
}

}  // namespace autodet
