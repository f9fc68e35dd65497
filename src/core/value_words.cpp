#include "core/value_words.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>

namespace autodet {

std::optional<bool> parse_bool_word(const std::string& text) {
  const std::string w = lower_word(text);
  if (w == "y" || w == "yes" || w == "t" || w == "true" || w == "on" || w == "1") return true;
  if (w == "n" || w == "no" || w == "f" || w == "false" || w == "off" || w == "0") return false;
  return std::nullopt;
}

std::optional<double> parse_float_word(const std::string& text) {
  if (text.empty() || std::isspace(static_cast<unsigned char>(text.front()))) return std::nullopt;
  for (char c : text)  // strtod also reads hex floats, "inf" and "nan": refuse anything but decimals
    if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E'))
      return std::nullopt;
  errno = 0;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || errno == ERANGE || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::optional<int> parse_int_word(const std::string& text) {
  const auto v = parse_float_word(text);
  if (!v || std::floor(*v) != *v) return std::nullopt;
  if (*v < double(std::numeric_limits<int>::min()) || *v > double(std::numeric_limits<int>::max()))
    return std::nullopt;
  return static_cast<int>(*v);
}

std::string lower_word(const std::string& text) {
  std::string s;
  s.reserve(text.size());
  for (unsigned char c : text) s += (c == '-' || c == ' ') ? '_' : char(std::tolower(c));
  return s;
}

std::string camel_to_snake(const std::string& text) {
  // The SDK's two regexes: "(.)([A-Z][a-z]+)" -> "\1_\2", then "([a-z0-9])([A-Z])" -> "\1_\2".
  std::string a;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool upper = std::isupper(static_cast<unsigned char>(text[i]));
    const bool next_lower = i + 1 < text.size() && std::islower(static_cast<unsigned char>(text[i + 1]));
    if (i > 0 && upper && next_lower && text[i - 1] != '_') a += '_';
    a += text[i];
  }
  std::string b;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const unsigned char prev = i > 0 ? static_cast<unsigned char>(a[i - 1]) : 0;
    if (i > 0 && std::isupper(static_cast<unsigned char>(a[i])) && (std::islower(prev) || std::isdigit(prev)))
      b += '_';
    b += a[i];
  }
  return lower_word(b);
}

std::optional<std::size_t> invalid_utf8_at(const std::string& text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  for (std::size_t i = 0; i < n;) {
    const unsigned char c = s[i];
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > n) return i;
    for (std::size_t k = 1; k < len; ++k)
      if ((s[i + k] & 0xC0) != 0x80) return i;
    const std::uint32_t cp = len == 1 ? c
                             : len == 2 ? ((c & 0x1Fu) << 6) | (s[i + 1] & 0x3Fu)
                             : len == 3 ? ((c & 0x0Fu) << 12) | ((s[i + 1] & 0x3Fu) << 6) | (s[i + 2] & 0x3Fu)
                                        : ((c & 0x07u) << 18) | ((s[i + 1] & 0x3Fu) << 12) |
                                              ((s[i + 2] & 0x3Fu) << 6) | (s[i + 3] & 0x3Fu);
    const bool overlong = (len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
    if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += len;
  }
  return std::nullopt;
}

std::string number_text(double value) {
  char buf[32];
  for (int precision = 6; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, value);
    if (std::strtod(buf, nullptr) == value) break;
  }
  return buf;
}

}  // namespace autodet
