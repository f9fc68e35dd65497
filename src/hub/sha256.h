#pragma once
// SHA-256 of files (OpenSSL's EVP digest), as lowercase hex.
#include <string>

namespace autodet::hub {

// Throws DataError naming the file when it cannot be read.
std::string sha256_file(const std::string& path);

// True when `hash` equals `expected`, or starts with it where the publisher gives only a prefix
// (torchvision's file names carry 8-10 hex digits). An empty `expected` matches anything.
bool hash_matches(const std::string& hash, const std::string& expected);

}  // namespace autodet::hub
