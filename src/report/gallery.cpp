#include "report/gallery.h"

#include <algorithm>

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/base64.h"
#include "core/image_io.h"
#include "core/parallel.h"
#include "eval/box_outcomes.h"

namespace autodet::report {
namespace {

using nlohmann::json;

const cv::Scalar kTruePositive(60, 180, 40), kFalsePositive(40, 40, 230), kWrongClass(200, 40, 200), kMissed(0, 150, 255);

struct Counts {
  long tp = 0, fp = 0, wrong = 0, missed = 0;
  long errors() const { return fp + wrong + missed; }
};

Counts count(const eval::EvalImage& im, const eval::ImageOutcomes& o) {
  Counts c;
  for (auto d : o.dets) {
    c.tp += d == eval::BoxOutcome::TruePositive;
    c.fp += d == eval::BoxOutcome::Background;
    c.wrong += d == eval::BoxOutcome::WrongClass;
  }
  for (std::size_t g = 0; g < im.gts.size(); ++g) c.missed += !o.gt_matched[g] && !im.gts[g].crowd;
  return c;
}

void draw_box(cv::Mat& img, const eval::XYWH& b, double s, const cv::Scalar& colour, const std::string& label) {
  const cv::Point p0(int(b.x * s), int(b.y * s)), p1(int((b.x + b.w) * s), int((b.y + b.h) * s));
  cv::rectangle(img, p0, p1, colour, 2);
  if (!label.empty())
    cv::putText(img, label, cv::Point(p0.x + 2, std::max(10, p0.y - 3)), cv::FONT_HERSHEY_SIMPLEX, 0.38, colour, 1, cv::LINE_AA);
}

// The thumbnail with its boxes, as a data URI.
std::string thumbnail(const eval::EvalImage& im, const eval::ImageOutcomes& o, const std::vector<std::string>& classes,
                      const GalleryOptions& opt) {
  const cv::Mat full = decode_image(im.path);
  const double s = std::min(1.0, double(opt.max_side) / std::max(full.cols, full.rows));
  cv::Mat img;
  cv::resize(full, img, cv::Size(std::max(1, int(full.cols * s)), std::max(1, int(full.rows * s))), 0, 0, cv::INTER_AREA);
  auto name = [&](int cls) { return cls >= 0 && std::size_t(cls) < classes.size() ? classes[std::size_t(cls)] : std::string("?"); };
  for (std::size_t g = 0; g < im.gts.size(); ++g)
    if (!o.gt_matched[g] && !im.gts[g].crowd) draw_box(img, im.gts[g].box, s, kMissed, name(im.gts[g].cls));
  for (std::size_t d = 0; d < im.dets.size(); ++d) {
    const auto& det = im.dets[d];
    switch (o.dets[d]) {
      case eval::BoxOutcome::TruePositive: draw_box(img, det.box, s, kTruePositive, ""); break;
      case eval::BoxOutcome::Background: draw_box(img, det.box, s, kFalsePositive, name(det.cls)); break;
      case eval::BoxOutcome::WrongClass: draw_box(img, det.box, s, kWrongClass, name(det.cls)); break;
      default: break;
    }
  }
  std::vector<unsigned char> jpeg;
  cv::imencode(".jpg", img, jpeg, {cv::IMWRITE_JPEG_QUALITY, opt.jpeg_quality});
  return "data:image/jpeg;base64," + encode_base64(std::string_view(reinterpret_cast<const char*>(jpeg.data()), jpeg.size()));
}

}  // namespace

json gallery_json(const eval::EvalSet& set, const GalleryOptions& opt) {
  const std::vector<std::size_t> order = set.order();
  std::vector<eval::ImageOutcomes> outcomes(order.size());
  std::vector<Counts> counts(order.size());
  for (std::size_t k = 0; k < order.size(); ++k) {
    const auto& im = set.images[order[k]];
    outcomes[k] = eval::match_image_boxes(im, set.classes.size(), opt.score_threshold, opt.iou_threshold);
    counts[k] = count(im, outcomes[k]);
  }
  std::vector<std::size_t> rank(order.size());
  for (std::size_t k = 0; k < rank.size(); ++k) rank[k] = k;
  std::stable_sort(rank.begin(), rank.end(), [&](std::size_t a, std::size_t b) { return counts[a].errors() > counts[b].errors(); });
  rank.resize(std::min(rank.size(), opt.max_images));

  std::vector<json> items(rank.size());
  parallel_for(rank.size(), opt.threads, [&](std::size_t i) {
    const std::size_t k = rank[i];
    const auto& im = set.images[order[k]];
    const Counts& c = counts[k];
    json j = {{"file", im.url.empty() ? im.path : im.url}, {"true_positives", c.tp}, {"false_positives", c.fp},
              {"wrong_class", c.wrong}, {"missed", c.missed}};
    try {
      j["image"] = thumbnail(im, outcomes[k], set.classes, opt);
    } catch (const std::exception& e) {
      j["image"] = nullptr;
      j["error"] = e.what();
    }
    items[i] = std::move(j);
  });
  return json(items);
}

}  // namespace autodet::report
