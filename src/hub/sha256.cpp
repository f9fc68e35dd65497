#include "hub/sha256.h"

#include <cstdio>
#include <memory>
#include <vector>

#include <openssl/evp.h>

#include "core/error.h"

namespace autodet::hub {

std::string sha256_file(const std::string& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) throw DataError(Location{path, 0, "", ""}, "cannot open the file to hash it");
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1)
    throw Error("OpenSSL could not start a SHA-256 digest");
  std::vector<unsigned char> buf(1 << 20);
  while (true) {
    const std::size_t n = std::fread(buf.data(), 1, buf.size(), f.get());
    if (n > 0 && EVP_DigestUpdate(ctx.get(), buf.data(), n) != 1) throw Error("OpenSSL SHA-256 update failed");
    if (n < buf.size()) {
      if (std::ferror(f.get())) throw DataError(Location{path, 0, "", ""}, "read error while hashing");
      break;
    }
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx.get(), md, &len) != 1) throw Error("OpenSSL SHA-256 final failed");
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += hex[md[i] >> 4];
    out += hex[md[i] & 15];
  }
  return out;
}

bool hash_matches(const std::string& hash, const std::string& expected) {
  if (expected.empty()) return true;
  return hash.size() >= expected.size() && hash.compare(0, expected.size(), expected) == 0;
}

}  // namespace autodet::hub
