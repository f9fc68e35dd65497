#include "data/synth.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <opencv2/imgproc.hpp>

#include "core/error.h"
#include "core/fs.h"
#include "core/image_io.h"
#include "core/log.h"
#include "core/rng.h"
#include "data/formats/jsonl.h"
#include "data/formats/mltable.h"
#include "data/synth_background.h"
#include "data/synth_shapes.h"

namespace autodet {
namespace {

using synth::Coverage;
using synth::Shape;

constexpr int kMaxImages = 1'000'000;  // file names stay six digits wide
constexpr int kMaxObjects = 50;
constexpr int kMinSide = 32, kMaxSide = 4096;
constexpr double kMinVisible = 0.4;      // share of an object's area that must stay in view
constexpr double kOverlapChance = 0.4;   // objects that may be placed over others right away
constexpr double kTruncateChance = 0.15; // objects that may run past the image border
constexpr int kAttempts = 40;            // placements tried per object before giving up on it
const char* const kJsonlName = "annotations.jsonl";

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// Each image has its own generator, so an image depends only on (seed, index).
std::uint64_t image_seed(std::uint64_t seed, int index) { return splitmix64(splitmix64(seed) + std::uint64_t(index)); }

// An object already drawn, with the part of it later objects have not painted over.
struct Placed {
  Coverage coverage;
  cv::Mat visible;          // CV_8U, like coverage.mask, reduced where later objects cover it
  std::int64_t visible_sum;  // sum of `visible`
  double area;               // geometric area in pixels (also counting any part outside the image)
  Box box;
};

// How much of p's visible coverage painting `top` over it hides; applies the change when `apply`.
std::int64_t hide_under(Placed& p, const Coverage& top, bool apply) {
  const cv::Rect overlap = p.coverage.roi & top.roi;
  std::int64_t lost = 0;
  for (int y = overlap.y; y < overlap.y + overlap.height; ++y) {
    uchar* v = p.visible.ptr<uchar>(y - p.coverage.roi.y) + (overlap.x - p.coverage.roi.x);
    const uchar* m = top.mask.ptr<uchar>(y - top.roi.y) + (overlap.x - top.roi.x);
    for (int x = 0; x < overlap.width; ++x) {
      int left = (v[x] * (255 - m[x]) + 127) / 255;
      lost += v[x] - left;
      if (apply) v[x] = uchar(left);
    }
  }
  if (apply) p.visible_sum -= lost;
  return lost;
}

int luma(const cv::Vec3d& bgr) { return int(0.114 * bgr[0] + 0.587 * bgr[1] + 0.299 * bgr[2]); }

// A random colour that stands out from the image under the coverage (its weighted mean).
cv::Vec3b contrasting_colour(const cv::Mat& image, const Coverage& cov, Rng& rng) {
  std::int64_t sum[3] = {0, 0, 0}, weight = 0;
  for (int y = 0; y < cov.roi.height; ++y) {
    const uchar* m = cov.mask.ptr<uchar>(y);
    const uchar* p = image.ptr<uchar>(cov.roi.y + y) + 3 * cov.roi.x;
    for (int x = 0; x < cov.roi.width; ++x, p += 3) {
      for (int ch = 0; ch < 3; ++ch) sum[ch] += std::int64_t(p[ch]) * m[x];
      weight += m[x];
    }
  }
  cv::Vec3d bg;
  for (int ch = 0; ch < 3; ++ch) bg[ch] = weight ? double(sum[ch]) / weight : 128.0;
  for (int tries = 0; tries < 32; ++tries) {
    cv::Vec3b c{uchar(rng.below(256)), uchar(rng.below(256)), uchar(rng.below(256))};
    cv::Vec3d cd(c[0], c[1], c[2]);
    if (cv::norm(cd - bg) >= 110 && std::abs(luma(cd) - luma(bg)) >= 40) return c;
  }
  cv::Vec3b far;  // the corner of the colour cube furthest away
  for (int ch = 0; ch < 3; ++ch) far[ch] = bg[ch] < 128 ? 255 : 0;
  return far;
}

// The object's fill: flat, or shaded along a random direction like a lit surface.
cv::Mat object_fill(cv::Size size, const cv::Vec3b& colour, Rng& rng) {
  cv::Mat fill(size, CV_8UC3, cv::Scalar(colour[0], colour[1], colour[2]));
  if (!rng.chance(0.4)) return fill;
  const double strength = rng.uniform(0.1, 0.3), a = rng.uniform(0, 2 * CV_PI);
  const double dx = std::cos(a) / std::max(1, size.width), dy = std::sin(a) / std::max(1, size.height);
  for (int y = 0; y < size.height; ++y) {
    auto* row = fill.ptr<cv::Vec3b>(y);
    for (int x = 0; x < size.width; ++x) {
      double gain = 1 + strength * 2 * (dx * (x - size.width / 2.0) + dy * (y - size.height / 2.0));
      for (int ch = 0; ch < 3; ++ch) row[x][ch] = cv::saturate_cast<uchar>(colour[ch] * gain);
    }
  }
  return fill;
}

// Paints one object: a contrasting fill, sometimes with an outline just inside its edge.
void draw_object(cv::Mat& image, const Coverage& cov, double extent, Rng& rng) {
  const cv::Vec3b colour = contrasting_colour(image, cov, rng);
  synth::paint(image, cov, object_fill(cov.roi.size(), colour, rng));
  if (!rng.chance(0.25)) return;
  const int thickness = std::max(1, int(std::lround(extent / 25)));
  cv::Mat inner;
  cv::erode(cov.mask, inner, cv::Mat(), cv::Point(-1, -1), thickness);
  Coverage edge{cov.roi, cov.mask - inner};
  const bool dark = luma(cv::Vec3d(colour[0], colour[1], colour[2])) > 100;
  cv::Vec3b outline;
  for (int ch = 0; ch < 3; ++ch) outline[ch] = dark ? colour[ch] / 3 : uchar(255 - (255 - colour[ch]) / 3);
  synth::paint(image, edge, outline);
}

bool intersects(const Box& a, const Box& b, double margin) {
  return a.x0 < b.x1 + margin && b.x0 < a.x1 + margin && a.y0 < b.y1 + margin && b.y0 < a.y1 + margin;
}

// Tries to place one object of `kind`; returns false when no attempt leaves every object visible enough.
bool place_object(cv::Mat& image, std::size_t kind, std::vector<Placed>& placed, Rng& rng) {
  const cv::Size size = image.size();
  const double short_side = std::min(size.width, size.height);
  const double hi = 0.45 * short_side, lo = std::min(hi, std::max(0.06 * short_side, 6.0));
  const bool may_overlap = rng.chance(kOverlapChance);
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    const double extent = std::exp(rng.uniform(std::log(lo), std::log(hi)));  // small objects are common
    Shape shape = synth::make_shape(kind, extent, rng);
    const cv::Rect2d b = shape.bounds();
    if (rng.chance(kTruncateChance)) {
      shape.translate({rng.uniform(0, size.width), rng.uniform(0, size.height)});
    } else {
      shape.translate({rng.uniform(b.width / 2, size.width - b.width / 2),
                       rng.uniform(b.height / 2, size.height - b.height / 2)});
    }
    const cv::Rect2d s = shape.bounds();
    Box box{std::max(0.0, s.x), std::max(0.0, s.y), std::min(double(size.width), s.x + s.width),
            std::min(double(size.height), s.y + s.height), synth::shape_kinds()[kind], false};
    if (box.width() < 1 || box.height() < 1) continue;
    if (!may_overlap && attempt < kAttempts / 2 &&
        std::any_of(placed.begin(), placed.end(), [&](const Placed& p) { return intersects(box, p.box, 2); }))
      continue;
    Coverage cov = synth::rasterise(shape, size);
    const double area = shape.area();
    const std::int64_t in_view = cov.sum();
    if (in_view < kMinVisible * area * 255) continue;
    if (std::any_of(placed.begin(), placed.end(), [&](Placed& p) {
          return p.visible_sum - hide_under(p, cov, false) < kMinVisible * p.area * 255;
        }))
      continue;
    for (auto& p : placed) hide_under(p, cov, true);
    draw_object(image, cov, extent, rng);
    cv::Mat visible = cov.mask.clone();
    placed.push_back({std::move(cov), std::move(visible), in_view, area, std::move(box)});
    return true;
  }
  return false;
}

SynthImage render(const SynthOptions& opts, int index) {
  Rng rng(image_seed(opts.seed, index));
  SynthImage out;
  out.image = synth::make_background({opts.width, opts.height}, rng);
  synth::add_distractors(out.image, rng);
  std::vector<Placed> placed;
  for (int i = 0, n = rng.range(opts.min_objects, opts.max_objects); i < n; ++i)
    place_object(out.image, rng.below(std::uint64_t(opts.classes)), placed, rng);
  synth::add_finish(out.image, rng);
  for (auto& p : placed) out.boxes.push_back(std::move(p.box));
  return out;
}

[[noreturn]] void bad_option(const std::string& field, const std::string& message) {
  throw UsageError(Location{"", 0, "", field}, message);
}

}  // namespace

const std::vector<std::string>& synthetic_class_kinds() { return synth::shape_kinds(); }

void validate_synth_options(const SynthOptions& o) {
  if (o.images < 1 || o.images > kMaxImages)
    bad_option("images", fmt::format("must be between 1 and {}, got {}", kMaxImages, o.images));
  const int kinds = int(synth::shape_kinds().size());
  if (o.classes < 1 || o.classes > kinds)
    bad_option("classes", fmt::format("must be between 1 and {} (the shape kinds: {}), got {}", kinds,
                                      fmt::join(synth::shape_kinds(), ", "), o.classes));
  if (o.width < kMinSide || o.height < kMinSide || o.width > kMaxSide || o.height > kMaxSide)
    bad_option("size", fmt::format("must be between {0}x{0} and {1}x{1}, got {2}x{3}", kMinSide, kMaxSide, o.width,
                                   o.height));
  if (o.min_objects < 0 || o.max_objects < o.min_objects || o.max_objects > kMaxObjects)
    bad_option("min_objects/max_objects", fmt::format("need 0 <= min <= max <= {} objects per image, got {} and {}",
                                                      kMaxObjects, o.min_objects, o.max_objects));
  if (o.jpeg_quality < 1 || o.jpeg_quality > 100)
    bad_option("jpeg_quality", fmt::format("must be between 1 and 100, got {}", o.jpeg_quality));
}

SynthImage render_synthetic_image(const SynthOptions& opts, int index) {
  validate_synth_options(opts);
  if (index < 0 || index >= opts.images)
    bad_option("index", fmt::format("must be between 0 and {}, got {}", opts.images - 1, index));
  return render(opts, index);
}

Dataset generate_synthetic(const SynthOptions& opts, const std::string& out_dir) {
  validate_synth_options(opts);
  const std::string images_dir = join_path(out_dir, "images");
  const std::string jsonl_path = join_path(out_dir, kJsonlName);
  make_dirs(images_dir);
  Dataset ds;
  ds.declared_classes.assign(synth::shape_kinds().begin(), synth::shape_kinds().begin() + opts.classes);
  ds.images.reserve(std::size_t(opts.images));
  for (int i = 0; i < opts.images; ++i) {
    SynthImage im = render(opts, i);
    ImageRecord rec;
    rec.url = fmt::format("images/{:06d}.jpg", i + 1);
    rec.path = absolute_path(join_path(out_dir, rec.url));
    rec.width = opts.width;
    rec.height = opts.height;
    rec.format = "jpg";
    rec.boxes = std::move(im.boxes);
    rec.source = SourceRef{jsonl_path, i + 1, ""};
    write_image(rec.path, im.image, opts.jpeg_quality);
    ds.images.push_back(std::move(rec));
  }
  write_file_atomic(jsonl_path, to_jsonl(ds));
  write_file_atomic(join_path(out_dir, "MLTable"), mltable_yaml(kJsonlName));
  if (std::size_t extra = list_files(images_dir).size() - ds.images.size(); extra > 0)
    log::warn("{} holds {} file(s) this run did not write (from an earlier run?); they are not in {}", images_dir,
              extra, kJsonlName);
  return ds;
}

}  // namespace autodet
