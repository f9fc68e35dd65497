#include "data/box_check.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace autodet {

std::string num(double v) { return fmt::format("{:.10g}", v); }

std::optional<Box> normalized_to_box(double tx, double ty, double bx, double by, int width, int height,
                                     const Location& where, Diagnostics& diag) {
  const double v[4] = {tx, ty, bx, by};
  static const char* names[4] = {"topX", "topY", "bottomX", "bottomY"};
  for (int i = 0; i < 4; ++i) {
    if (!std::isfinite(v[i]) || v[i] < 0.0 || v[i] > 1.0) {
      Location w = where;
      w.field = names[i];
      diag.warn("box_out_of_range", w,
                fmt::format("normalized coordinate {} is outside [0,1]; box dropped", num(v[i])));
      return std::nullopt;
    }
  }
  if (!(tx < bx) || !(ty < by)) {
    bool empty = tx == bx || ty == by;
    Location w = where;
    w.field = !(tx < bx) ? "topX/bottomX" : "topY/bottomY";
    diag.warn(empty ? "box_empty" : "box_inverted", w,
              fmt::format("{} box (topX {}, topY {}, bottomX {}, bottomY {}); box dropped",
                          empty ? "empty" : "inverted", num(tx), num(ty), num(bx), num(by)));
    return std::nullopt;
  }
  Box b;
  b.x0 = tx * width;
  b.y0 = ty * height;
  b.x1 = bx * width;
  b.y1 = by * height;
  return b;
}

std::optional<Box> checked_pixel_box(double x0, double y0, double x1, double y1, int width, int height,
                                     const Location& where, Diagnostics& diag) {
  const double v[4] = {x0, y0, x1, y1};
  for (double c : v)
    if (!std::isfinite(c)) {
      diag.warn("box_not_finite", where, "box coordinate is not a finite number; box dropped");
      return std::nullopt;
    }
  if (x1 < x0 || y1 < y0) {
    Location w = where;
    w.field = x1 < x0 ? "xmin/xmax" : "ymin/ymax";
    diag.warn("box_inverted", w,
              fmt::format("inverted box ({}, {}, {}, {}): max is below min; box dropped", num(x0), num(y0), num(x1),
                          num(y1)));
    return std::nullopt;
  }
  if (width > 0 && height > 0 && (x0 < 0 || y0 < 0 || x1 > width || y1 > height)) {
    double cx0 = std::clamp(x0, 0.0, double(width)), cy0 = std::clamp(y0, 0.0, double(height));
    double cx1 = std::clamp(x1, 0.0, double(width)), cy1 = std::clamp(y1, 0.0, double(height));
    if (cx1 > cx0 && cy1 > cy0) {
      diag.warn("box_past_border", where,
                fmt::format("box ({}, {}, {}, {}) runs past the {}x{} image; clamped to ({}, {}, {}, {})", num(x0),
                            num(y0), num(x1), num(y1), width, height, num(cx0), num(cy0), num(cx1), num(cy1)));
      x0 = cx0; y0 = cy0; x1 = cx1; y1 = cy1;
    } else {
      diag.warn("box_outside_image", where,
                fmt::format("box ({}, {}, {}, {}) lies outside the {}x{} image; box dropped", num(x0), num(y0),
                            num(x1), num(y1), width, height));
      return std::nullopt;
    }
  }
  if (x1 == x0 || y1 == y0) {
    diag.warn("box_empty", where,
              fmt::format("empty box ({}, {}, {}, {}): zero {}; box dropped", num(x0), num(y0), num(x1), num(y1),
                          x1 == x0 ? "width" : "height"));
    return std::nullopt;
  }
  Box b;
  b.x0 = x0; b.y0 = y0; b.x1 = x1; b.y1 = y1;
  return b;
}

}  // namespace autodet
