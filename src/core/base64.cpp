#include "core/base64.h"

#include <array>
#include <cstdint>

namespace autodet {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// Value of each character: 0..63, -1 not base64, -2 whitespace, -3 padding.
std::array<signed char, 256> make_table() {
  std::array<signed char, 256> t{};
  t.fill(-1);
  for (int i = 0; i < 64; ++i) t[static_cast<unsigned char>(kAlphabet[i])] = static_cast<signed char>(i);
  t['-'] = 62;
  t['_'] = 63;
  for (unsigned char c : {' ', '\n', '\r', '\t', '\f', '\v'}) t[c] = -2;
  t['='] = -3;
  return t;
}

}  // namespace

std::optional<std::string> decode_base64(std::string_view text, std::string* error) {
  static const auto table = make_table();
  std::string out;
  out.reserve(text.size() / 4 * 3);
  std::uint32_t acc = 0;
  int bits = 0;
  std::size_t symbols = 0;  // base64 digits seen
  bool padding = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const signed char v = table[static_cast<unsigned char>(text[i])];
    if (v == -2) continue;
    if (v == -3) {
      padding = true;
      continue;
    }
    if (v < 0 || padding) {
      if (error)
        *error = padding ? "data after '=' padding at character " + std::to_string(i)
                         : "character " + std::to_string(i) + " is not base64";
      return std::nullopt;
    }
    ++symbols;
    acc = (acc << 6) | std::uint32_t(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(char((acc >> bits) & 0xFF));
    }
  }
  if (symbols % 4 == 1) {
    if (error) *error = "truncated base64 (its length is not a whole number of bytes)";
    return std::nullopt;
  }
  return out;
}

std::string encode_base64(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const std::uint32_t v = (std::uint32_t(std::uint8_t(bytes[i])) << 16) | (std::uint32_t(std::uint8_t(bytes[i + 1])) << 8) |
                            std::uint8_t(bytes[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out.push_back(kAlphabet[(v >> s) & 63]);
  }
  if (i < bytes.size()) {
    std::uint32_t v = std::uint32_t(std::uint8_t(bytes[i])) << 16;
    if (i + 1 < bytes.size()) v |= std::uint32_t(std::uint8_t(bytes[i + 1])) << 8;
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(i + 1 < bytes.size() ? kAlphabet[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

}  // namespace autodet
