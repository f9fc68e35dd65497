#include "core/error.h"

namespace autodet {

std::string Location::str() const {
  std::string s = file;
  if (line > 0) s += ":" + std::to_string(line);
  auto append = [&s](const std::string& part) {
    if (part.empty()) return;
    if (!s.empty()) s += ": ";
    s += part;
  };
  append(element);
  append(field);
  return s;
}

}  // namespace autodet
