#pragma once
// Typed errors that carry where the problem is (file, line or element, field).
// The CLI turns any of them into one clear line and a non-zero exit code.
#include <stdexcept>
#include <string>

namespace autodet {

// Where in the user's input something happened. Empty parts are left out when printed.
struct Location {
  std::string file;     // path of the file (or folder) read
  long line = 0;        // 1-based line number, 0 when not line-based
  std::string element;  // e.g. "object 3", "annotations[12]", "label[0]"
  std::string field;    // e.g. "topX", "bndbox/xmax"

  std::string str() const;  // "file:line: element: field"
};

// Base of all errors autodet raises on purpose.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
  Error(const Location& where, const std::string& message)
      : std::runtime_error(where.str().empty() ? message : where.str() + ": " + message), where_(where) {}
  const Location& where() const { return where_; }

 private:
  Location where_;
};

// The user's data is malformed or inconsistent.
class DataError : public Error {
 public:
  using Error::Error;
};

// The command line or a configuration is wrong.
class UsageError : public Error {
 public:
  using Error::Error;
};

// A feature exists in the input format but autodet does not implement it.
class NotSupportedError : public Error {
 public:
  using Error::Error;
};

}  // namespace autodet
