#pragma once
// Base64 (RFC 4648) decoding as scoring requests need it: whitespace and line breaks anywhere are
// ignored (Python's base64.encodebytes puts one every 76 characters), padding may be left out,
// and the URL-safe alphabet ('-', '_') is accepted too.
#include <optional>
#include <string>
#include <string_view>

namespace autodet {

// The decoded bytes, or nothing with *error saying why (the offending character's position).
std::optional<std::string> decode_base64(std::string_view text, std::string* error);

// Standard alphabet with padding, no line breaks.
std::string encode_base64(std::string_view bytes);

}  // namespace autodet
