#include "deploy/score_request.h"

#include <cctype>
#include <cstring>

#include <fmt/format.h>
#include <opencv2/imgcodecs.hpp>

#include "core/image_io.h"
#include "core/base64.h"

namespace autodet {
namespace {

using nlohmann::json;

[[noreturn]] void refuse(const std::string& message, int status = 400) { throw RequestError(status, message); }

std::string lower(std::string s) {
  for (auto& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool raw_image_type(const std::string& content_type) {
  const std::string t = lower(content_type.substr(0, content_type.find(';')));
  return t.rfind("image/", 0) == 0 || t == "application/octet-stream";
}

// One element of "data": a base64 string, a one-column row [string], or the explainability form
// {"image_base64": ..., "model_explainability": false} as a JSON string (R7.2).
std::string image_bytes(const json& e, const std::string& name) {
  if (e.is_array()) {
    if (e.size() != 1) refuse(name + ": a row must hold exactly one column (the image)");
    return image_bytes(e[0], name);
  }
  if (!e.is_string()) refuse(name + ": must be a base64-encoded image string, not " + std::string(e.type_name()));
  const std::string& s = e.get_ref<const std::string&>();
  const auto first = s.find_first_not_of(" \t\r\n");
  std::string_view b64 = s;
  if (first != std::string::npos && s[first] == '{') {
    const json x = json::parse(s, nullptr, false);
    if (x.is_discarded() || !x.is_object() || !x.contains("image_base64") || !x["image_base64"].is_string())
      refuse(name + ": a JSON element must be an object with an \"image_base64\" string");
    if (x.value("model_explainability", false))
      refuse(name + ": model_explainability is not available for object detection");
    return image_bytes(x["image_base64"], name);
  }
  std::string why;
  auto bytes = decode_base64(b64, &why);
  if (!bytes) refuse(name + ": bad base64: " + why);
  if (bytes->empty()) refuse(name + ": empty image");
  return std::move(*bytes);
}

std::string element_name(std::size_t i, const json* index) {
  std::string n = fmt::format("input_data.data[{}]", i);
  if (index) n += " (index " + (*index)[i].dump() + ")";
  return n;
}

ScoreRequest parse_json_request(const std::string& body, const RequestLimits& limits) {
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) refuse("the body is not valid JSON (expected {\"input_data\": {\"columns\": [\"image\"], \"data\": [...]}})");
  if (!j.is_object()) refuse("the body must be a JSON object with \"input_data\"");
  for (const auto& [key, _] : j.items())
    if (key != "input_data" && key != "model_settings")
      refuse("unknown key \"" + key + "\" (a request holds \"input_data\" and optionally \"model_settings\")");
  auto in = j.find("input_data");
  if (in == j.end() || !in->is_object()) refuse("\"input_data\" is missing or not an object");
  auto cols = in->find("columns");
  if (cols == in->end() || *cols != json::array({"image"}))
    refuse("input_data.columns must be [\"image\"], not " + (cols == in->end() ? std::string("missing") : cols->dump()));
  auto data = in->find("data");
  if (data == in->end() || !data->is_array()) refuse("input_data.data is missing or not a list");
  if (data->empty()) refuse("input_data.data holds no images");
  if (data->size() > limits.max_images)
    refuse(fmt::format("{} images in one request, over the limit of {}", data->size(), limits.max_images), 413);
  const json* index = nullptr;
  if (auto ix = in->find("index"); ix != in->end() && !ix->is_null()) {
    if (!ix->is_array() || ix->size() != data->size())
      refuse(fmt::format("input_data.index must be a list as long as input_data.data ({} items)", data->size()));
    index = &*ix;
  }
  for (const auto& [key, _] : in->items())
    if (key != "columns" && key != "index" && key != "data") refuse("unknown key \"input_data." + key + "\"");

  ScoreRequest r;
  for (std::size_t i = 0; i < data->size(); ++i) {
    r.names.push_back(element_name(i, index));
    r.images.push_back(image_bytes((*data)[i], r.names.back()));
  }
  if (auto ms = j.find("model_settings"); ms != j.end() && !ms->is_null()) {
    if (!ms->is_object()) refuse("model_settings must be an object of setting: value");
    r.model_settings = *ms;
  }
  return r;
}

std::uint32_t le24(const unsigned char* p) { return p[0] | (std::uint32_t(p[1]) << 8) | (std::uint32_t(p[2]) << 16); }

// WebP dimensions from the first chunk's header (core's probe decodes WebP to learn its size,
// which is what a decompression bomb wants).
ImageInfo probe_webp(const unsigned char* d, std::size_t n, const std::string& name) {
  auto bad = [&] { refuse(name + ": corrupt WebP header"); };
  if (n < 30) bad();
  ImageInfo info;
  info.format = "webp";
  if (std::memcmp(d + 12, "VP8X", 4) == 0) {
    info.width = int(le24(d + 24) + 1);
    info.height = int(le24(d + 27) + 1);
  } else if (std::memcmp(d + 12, "VP8L", 4) == 0) {
    if (d[20] != 0x2F) bad();
    const std::uint32_t bits = d[21] | (std::uint32_t(d[22]) << 8) | (std::uint32_t(d[23]) << 16) | (std::uint32_t(d[24]) << 24);
    info.width = int((bits & 0x3FFF) + 1);
    info.height = int(((bits >> 14) & 0x3FFF) + 1);
  } else if (std::memcmp(d + 12, "VP8 ", 4) == 0) {
    if (d[23] != 0x9D || d[24] != 0x01 || d[25] != 0x2A) bad();
    info.width = int((d[26] | (d[27] << 8)) & 0x3FFF);
    info.height = int((d[28] | (d[29] << 8)) & 0x3FFF);
  } else {
    bad();
  }
  if (info.width <= 0 || info.height <= 0) bad();
  return info;
}

}  // namespace

ScoreRequest parse_score_request(const std::string& body, const std::string& content_type, const RequestLimits& limits) {
  if (raw_image_type(content_type)) {
    if (body.empty()) refuse("the body holds no image");
    ScoreRequest r;
    r.images.push_back(body);
    r.names.push_back("body");
    return r;
  }
  return parse_json_request(body, limits);
}

cv::Mat decode_request_image(const std::string& bytes, const std::string& name, std::int64_t max_pixels) {
  const auto* d = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t n = bytes.size();
  ImageInfo info;
  if (n >= 12 && std::memcmp(d, "RIFF", 4) == 0 && std::memcmp(d + 8, "WEBP", 4) == 0) {
    info = probe_webp(d, n, name);
  } else if (n >= 4 && (std::memcmp(d, "II*\0", 4) == 0 || std::memcmp(d, "MM\0*", 4) == 0)) {
    refuse(name + ": TIFF images are not accepted here; send JPEG, PNG, BMP or WebP");
  } else {
    try {
      info = probe_image_bytes(d, n, name);
    } catch (const Error& e) {
      refuse(std::string(e.what()));
    }
  }
  if (std::int64_t(info.width) * info.height > max_pixels)
    refuse(fmt::format("{}: image is {}x{} pixels, over the limit of {} (refused before decoding)", name, info.width,
                       info.height, max_pixels));
  cv::Mat m;
  try {
    m = cv::imdecode(cv::Mat(1, int(n), CV_8UC1, const_cast<unsigned char*>(d)), cv::IMREAD_COLOR);
  } catch (const cv::Exception&) {
    m.release();
  }
  if (m.empty()) refuse(name + ": corrupt " + info.format + " image: decoding failed");
  if (m.cols != info.width || m.rows != info.height)
    refuse(fmt::format("{}: corrupt {} image: header says {}x{} but it decodes to {}x{}", name, info.format, info.width,
                       info.height, m.cols, m.rows));
  return m;
}

}  // namespace autodet
