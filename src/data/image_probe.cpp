#include "data/image_probe.h"

#include <fmt/format.h>

#include "core/error.h"
#include "core/fs.h"
#include "core/image_io.h"
#include "data/decode_check.h"

namespace autodet {

bool settle_image(ImageRecord& rec, int declared_w, int declared_h, const ReadOptions& opts, const Location& where,
                  Diagnostics& diag) {
  if (opts.image_check == ImageCheck::None && declared_w > 0 && declared_h > 0) {
    rec.width = declared_w;
    rec.height = declared_h;
    if (rec.format.empty()) rec.format = extension(rec.path);
    return true;
  }
  Location w = where;
  w.field = "image";
  if (opts.image_check == ImageCheck::HeaderIfPresent && !fs_exists(rec.path)) {
    if (declared_w > 0 && declared_h > 0) {
      rec.width = declared_w;
      rec.height = declared_h;
      if (rec.format.empty()) rec.format = extension(rec.path);
      return true;
    }
    diag.error("missing_size", w, "image '" + (rec.url.empty() ? rec.path : rec.url) + "' has no size in the annotation "
                                  "and its file '" + rec.path + "' does not exist; give the size (COCO width/height, VOC "
                                  "<size>, CSV width,height) or the image");
    return false;
  }
  if (!fs_exists(rec.path)) {
    diag.image_error("missing_image", w, rec.path, "image file", "does not exist");
    return false;
  }
  ImageInfo info;
  try {
    info = probe_image(rec.path);
  } catch (const Error& e) {
    diag.image_error("corrupt_image", w, rec.path, "unreadable image", without_path(e.what(), rec.path));
    return false;
  }
  if (std::int64_t(info.width) * info.height > opts.max_image_pixels) {
    diag.image_error("image_too_large", w, rec.path, "image",
                     fmt::format("{}x{} pixels, over the limit of {} (raise --max-image-pixels if real)", info.width,
                                 info.height, opts.max_image_pixels));
    return false;
  }
  if (opts.image_check == ImageCheck::Decode) {
    const std::string problem = image_decode_problem(rec.path, opts.max_image_pixels);
    if (!problem.empty()) {
      diag.image_error("corrupt_image", w, rec.path, "unreadable image", problem);
      return false;
    }
  }
  if (declared_w > 0 && declared_h > 0 && (declared_w != info.width || declared_h != info.height)) {
    Location d = where;
    d.field = "image_details";
    diag.warn("size_mismatch", d,
              fmt::format("annotation says {}x{} but '{}' is {}x{}; the file's size is used", declared_w, declared_h,
                          rec.path, info.width, info.height));
  }
  rec.width = info.width;
  rec.height = info.height;
  rec.format = info.format;
  return true;
}

}  // namespace autodet
