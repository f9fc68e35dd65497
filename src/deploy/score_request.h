#pragma once
// Reading a scoring request (spec §7.1): the JSON body
//   {"input_data": {"columns": ["image"], "index": [0, 1], "data": ["<base64>", ...]},
//    "model_settings": {...}}                       (model_settings optional)
// or one raw image (Content-Type image/* or application/octet-stream). Every refusal names the
// element at fault and carries the HTTP status to answer with.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

#include "core/error.h"

namespace autodet {

// A request the server refuses: 400 (malformed), 413 (too many images), 415 (media type).
class RequestError : public Error {
 public:
  RequestError(int status, const std::string& message) : Error(message), status_(status) {}
  int status() const { return status_; }

 private:
  int status_;
};

struct RequestLimits {
  std::size_t max_images = 32;                  // images per request
  std::int64_t max_image_pixels = 40'000'000;   // width x height of one image, read from its header
};

struct ScoreRequest {
  std::vector<std::string> images;  // encoded image bytes, in input order
  std::vector<std::string> names;   // how errors name each image: "input_data.data[1]"
  nlohmann::json model_settings;    // null when the request has none
};

// Throws RequestError.
ScoreRequest parse_score_request(const std::string& body, const std::string& content_type, const RequestLimits& limits);

// Decodes one image to 8-bit BGR. Its size is read from the header and checked against
// max_pixels before any pixel is decoded. Throws RequestError (400) naming `name`.
cv::Mat decode_request_image(const std::string& bytes, const std::string& name, std::int64_t max_pixels);

}  // namespace autodet
