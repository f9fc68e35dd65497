#include "eval/predictions_reader.h"

#include <cmath>
#include <string_view>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/fs.h"
#include "eval/image_matcher.h"

namespace autodet::eval {
namespace {

using nlohmann::json;

json parse_json(std::string_view text, const Location& where) {
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    std::string hint;
    if (text.find("NaN") != std::string_view::npos || text.find("Infinity") != std::string_view::npos)
      hint = " (NaN and Infinity are not JSON numbers: scores and coordinates must be finite)";
    throw DataError(where, std::string("invalid JSON: ") + e.what() + hint);
  }
}

double number(const json& obj, const char* key, Location where) {
  where.field = key;
  auto it = obj.find(key);
  if (it == obj.end()) throw DataError(where, "missing");
  if (!it->is_number()) throw DataError(where, "must be a number, not " + it->dump());
  const double v = it->get<double>();
  if (!std::isfinite(v)) throw DataError(where, "must be finite");
  return v;
}

double score(const json& obj, const Location& where) {
  const double s = number(obj, "score", where);
  if (s < 0) {
    Location w = where;
    w.field = "score";
    throw DataError(w, fmt::format("negative score {} (scores are confidences >= 0)", s));
  }
  return s;
}

std::int64_t integer_id(const json& obj, const char* key, Location where) {
  const double v = number(obj, key, where);
  where.field = key;
  if (v != std::floor(v) || std::fabs(v) > 9e15) throw DataError(where, "must be an integer id");
  return std::int64_t(v);
}

int class_of(const EvalSet& set, const std::string& label, const Location& where) {
  const int k = set.class_index(label);
  if (k >= 0) return k;
  std::string known;
  for (std::size_t i = 0; i < set.classes.size() && i < 10; ++i) known += (i ? ", " : "") + set.classes[i];
  if (set.classes.size() > 10) known += ", ...";
  throw DataError(where, "label '" + label + "' is not a class of the dataset (" + known + ")");
}

void finish(PredictionsSummary& s, const std::vector<char>& named) {
  for (char n : named) (n ? s.images_with_predictions : s.images_without_predictions) += 1;
}

}  // namespace

PredictionsSummary read_batch_predictions(const std::string& text, const std::string& file_label, EvalSet& set) {
  PredictionsSummary sum;
  sum.format = PredictionsFormat::BatchJsonl;
  const ImageMatcher matcher(set);
  for (auto& im : set.images) im.dets.clear();
  std::vector<long> named_on(set.images.size(), 0);
  std::size_t pos = 0;
  long line_no = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    const Location at{file_label, line_no, "", ""};
    const json j = parse_json(line, at);
    if (!j.is_object()) throw DataError(at, "each line must be a JSON object {\"filename\": ..., \"boxes\": [...]}");
    auto fn = j.find("filename");
    if (fn == j.end() || !fn->is_string()) throw DataError(Location{file_label, line_no, "", "filename"}, "missing or not a string");
    const std::size_t img = matcher.find(fn->get<std::string>(), Location{file_label, line_no, "", "filename"});
    if (named_on[img])
      throw DataError(Location{file_label, line_no, "", "filename"},
                      fmt::format("'{}' already has predictions on line {}", fn->get<std::string>(), named_on[img]));
    named_on[img] = line_no;
    EvalImage& im = set.images[img];
    auto boxes = j.find("boxes");
    if (boxes == j.end() || !boxes->is_array()) throw DataError(Location{file_label, line_no, "", "boxes"}, "missing or not a list");
    if (!boxes->empty() && (im.width <= 0 || im.height <= 0))
      throw DataError(Location{file_label, line_no, "", "filename"},
                      "the size of image '" + im.url + "' is unknown, so its normalized boxes cannot be converted to pixels");
    for (std::size_t b = 0; b < boxes->size(); ++b) {
      const json& e = (*boxes)[b];
      const Location where{file_label, line_no, fmt::format("boxes[{}]", b), ""};
      if (!e.is_object()) throw DataError(where, "must be an object {\"box\": ..., \"label\": ..., \"score\": ...}");
      auto bx = e.find("box");
      if (bx == e.end() || !bx->is_object()) throw DataError(Location{file_label, line_no, where.element, "box"}, "missing or not an object");
      double x0 = number(*bx, "topX", where), y0 = number(*bx, "topY", where);
      double x1 = number(*bx, "bottomX", where), y1 = number(*bx, "bottomY", where);
      if (x1 < x0 || y1 < y0)
        throw DataError(Location{file_label, line_no, where.element, "box"},
                        fmt::format("inverted box: bottomX/bottomY ({}, {}) must not be less than topX/topY ({}, {})", x1, y1, x0, y0));
      bool clamped = false;
      for (double* c : {&x0, &y0, &x1, &y1})
        if (*c < 0 || *c > 1) {
          *c = std::min(1.0, std::max(0.0, *c));
          clamped = true;
        }
      if (clamped && sum.clamped_boxes++ == 0) sum.first_clamped = where;
      auto lab = e.find("label");
      if (lab == e.end() || !lab->is_string()) throw DataError(Location{file_label, line_no, where.element, "label"}, "missing or not a string");
      Detection d;
      d.cls = class_of(set, lab->get<std::string>(), Location{file_label, line_no, where.element, "label"});
      d.score = score(e, where);
      const double W = im.width, H = im.height;
      d.box = XYWH{x0 * W, y0 * H, x1 * W - x0 * W, y1 * H - y0 * H};
      im.dets.push_back(d);
      ++sum.detections;
    }
  }
  std::vector<char> named(named_on.size());
  for (std::size_t i = 0; i < named.size(); ++i) named[i] = named_on[i] != 0;
  finish(sum, named);
  return sum;
}

PredictionsSummary read_coco_results(const std::string& text, const std::string& file_label, const CocoIdMap& ids,
                                     EvalSet& set) {
  PredictionsSummary sum;
  sum.format = PredictionsFormat::CocoResults;
  const json j = parse_json(text, Location{file_label, 0, "", ""});
  if (!j.is_array())
    throw DataError(Location{file_label, 0, "", ""},
                    "COCO results must be a JSON list [{\"image_id\", \"category_id\", \"bbox\", \"score\"}, ...]");
  for (auto& im : set.images) im.dets.clear();
  std::vector<char> named(set.images.size(), 0);
  for (std::size_t i = 0; i < j.size(); ++i) {
    const json& e = j[i];
    const Location where{file_label, 0, fmt::format("[{}]", i), ""};
    if (!e.is_object()) throw DataError(where, "must be an object");
    const std::int64_t image_id = integer_id(e, "image_id", where);
    auto img = ids.images.find(image_id);
    if (img == ids.images.end())
      throw DataError(Location{file_label, 0, where.element, "image_id"},
                      fmt::format("image_id {} is not an image of the evaluated dataset", image_id));
    const std::int64_t category_id = integer_id(e, "category_id", where);
    auto cat = ids.categories.find(category_id);
    if (cat == ids.categories.end())
      throw DataError(Location{file_label, 0, where.element, "category_id"},
                      fmt::format("category_id {} is not a category of the evaluated dataset", category_id));
    auto bb = e.find("bbox");
    if (bb == e.end() || !bb->is_array() || bb->size() != 4)
      throw DataError(Location{file_label, 0, where.element, "bbox"}, "must be a list [x, y, width, height]");
    double v[4];
    for (std::size_t c = 0; c < 4; ++c) {
      if (!(*bb)[c].is_number()) throw DataError(Location{file_label, 0, where.element, "bbox"}, "must hold 4 numbers");
      v[c] = (*bb)[c].get<double>();
      if (!std::isfinite(v[c])) throw DataError(Location{file_label, 0, where.element, "bbox"}, "must be finite");
    }
    if (v[2] < 0 || v[3] < 0)
      throw DataError(Location{file_label, 0, where.element, "bbox"},
                      fmt::format("negative width or height ({}, {})", v[2], v[3]));
    Detection d;
    d.box = XYWH{v[0], v[1], v[2], v[3]};
    d.cls = cat->second;
    d.score = score(e, where);
    set.images[img->second].dets.push_back(d);
    named[img->second] = 1;
    ++sum.detections;
  }
  finish(sum, named);
  return sum;
}

PredictionsSummary read_predictions(const std::string& path, PredictionsFormat format, const CocoIdMap& ids,
                                    EvalSet& set) {
  const std::string text = read_file(path);
  if (format == PredictionsFormat::Auto) {
    const std::size_t bom = text.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0;
    const auto first = text.find_first_not_of(" \t\r\n", bom);
    format = first != std::string::npos && text[first] == '[' ? PredictionsFormat::CocoResults : PredictionsFormat::BatchJsonl;
  }
  return format == PredictionsFormat::CocoResults ? read_coco_results(text, path, ids, set)
                                                  : read_batch_predictions(text, path, set);
}

}  // namespace autodet::eval
