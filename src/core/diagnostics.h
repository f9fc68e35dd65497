#pragma once
// A report of problems found while reading or validating user data.
// Errors make the data unusable as is; warnings say what was fixed (dropped, clamped).
#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/error.h"

namespace autodet {

enum class Severity { Warning, Error };

struct Diagnostic {
  Severity severity = Severity::Error;
  std::string code;  // stable machine-readable kind, e.g. "box_out_of_range"
  Location where;
  std::string message;

  std::string str() const;  // "error: file:line: element: field: message [code]"
};

class Diagnostics {
 public:
  void warn(const std::string& code, const Location& where, const std::string& message);
  void error(const std::string& code, const Location& where, const std::string& message);
  void add(Diagnostic d);
  void merge(const Diagnostics& other);

  const std::vector<Diagnostic>& items() const { return items_; }
  std::size_t errors() const { return errors_; }
  std::size_t warnings() const { return warnings_; }
  bool ok() const { return errors_ == 0; }
  std::size_t count(const std::string& code) const;

  nlohmann::json to_json() const;

 private:
  std::vector<Diagnostic> items_;
  std::size_t errors_ = 0;
  std::size_t warnings_ = 0;
};

}  // namespace autodet
