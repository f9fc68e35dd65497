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
  std::string image;   // the image file an "unusable image" error is about ("" otherwise)
  std::string reason;  // with image: why it is unusable, without the path

  std::string str() const;  // "error: file:line: element: field: message [code]"
};

class Diagnostics {
 public:
  void warn(const std::string& code, const Location& where, const std::string& message);
  void error(const std::string& code, const Location& where, const std::string& message);
  // An error that makes an image file unusable: message "<lead> '<image>': <reason>".
  void image_error(const std::string& code, const Location& where, const std::string& image, const std::string& lead,
                   const std::string& reason);
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
