#include "models/ops/roi_align.h"

#include <cmath>
#include <vector>

#include <ATen/Parallel.h>
#include <torch/csrc/autograd/custom_function.h>
#include <torch/torch.h>

#include "core/error.h"

namespace autodet::models {
namespace {

// One bilinear sample: four pixel offsets in an H x W plane and their weights (all 0 when the
// sample lies outside the map).
template <typename T>
struct Sample {
  std::int64_t p1, p2, p3, p4;
  T w1, w2, w3, w4;
};

struct Geometry {
  std::int64_t H, W, ph, pw;
  int sampling_ratio;
  bool aligned;
  double scale;
};

// The samples of one RoI, bin by bin (ph * pw bins, each grid_h * grid_w samples), and the
// divisor of each bin (count), as torchvision's pre_calc computes them.
template <typename T>
void roi_samples(const T* roi, const Geometry& g, std::vector<Sample<T>>& out, int& grid_h, int& grid_w, T& count) {
  const T offset = g.aligned ? T(0.5) : T(0);
  const T scale = T(g.scale);
  const T start_w = roi[1] * scale - offset, start_h = roi[2] * scale - offset;
  const T end_w = roi[3] * scale - offset, end_h = roi[4] * scale - offset;
  T roi_w = end_w - start_w, roi_h = end_h - start_h;
  if (!g.aligned) {
    roi_w = std::max(roi_w, T(1));
    roi_h = std::max(roi_h, T(1));
  }
  const T bin_h = roi_h / T(g.ph), bin_w = roi_w / T(g.pw);
  grid_h = g.sampling_ratio > 0 ? g.sampling_ratio : int(std::ceil(roi_h / T(g.ph)));
  grid_w = g.sampling_ratio > 0 ? g.sampling_ratio : int(std::ceil(roi_w / T(g.pw)));
  count = std::max(T(grid_h * grid_w), T(1));
  // A reversed RoI (aligned) gives negative grids: no samples, as torchvision's loops run none.
  grid_h = std::max(grid_h, 0);
  grid_w = std::max(grid_w, 0);
  out.clear();
  out.reserve(std::size_t(g.ph * g.pw * grid_h * grid_w));
  const T H = T(g.H), W = T(g.W);
  for (std::int64_t py = 0; py < g.ph; ++py)
    for (std::int64_t px = 0; px < g.pw; ++px)
      for (int iy = 0; iy < grid_h; ++iy) {
        const T yy = start_h + T(py) * bin_h + (T(iy) + T(0.5)) * bin_h / T(grid_h);
        for (int ix = 0; ix < grid_w; ++ix) {
          const T xx = start_w + T(px) * bin_w + (T(ix) + T(0.5)) * bin_w / T(grid_w);
          T y = yy, x = xx;
          if (y < T(-1) || y > H || x < T(-1) || x > W) {
            out.push_back(Sample<T>{0, 0, 0, 0, T(0), T(0), T(0), T(0)});
            continue;
          }
          if (y <= 0) y = 0;
          if (x <= 0) x = 0;
          std::int64_t y_low = std::int64_t(y), x_low = std::int64_t(x), y_high = 0, x_high = 0;
          if (y_low >= g.H - 1) {
            y_high = y_low = g.H - 1;
            y = T(y_low);
          } else {
            y_high = y_low + 1;
          }
          if (x_low >= g.W - 1) {
            x_high = x_low = g.W - 1;
            x = T(x_low);
          } else {
            x_high = x_low + 1;
          }
          const T ly = y - T(y_low), lx = x - T(x_low), hy = T(1) - ly, hx = T(1) - lx;
          out.push_back(Sample<T>{y_low * g.W + x_low, y_low * g.W + x_high, y_high * g.W + x_low, y_high * g.W + x_high,
                                  hy * hx, hy * lx, ly * hx, ly * lx});
        }
      }
}

// The channels-last inner loops, over a vector of channels. The float versions are compiled for
// AVX-512, AVX2 and the x86-64 baseline, chosen when the program starts (this file builds with
// -O3 so that they vectorise: CMakeLists.txt).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define AUTODET_VECTOR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define AUTODET_VECTOR_CLONES
#endif

// a += w1 v1 + w2 v2 + w3 v3 + w4 v4 (one bilinear sample of every channel)
template <typename T>
void add_sample(T* __restrict a, const T* __restrict v1, const T* __restrict v2, const T* __restrict v3,
                const T* __restrict v4, T w1, T w2, T w3, T w4, std::int64_t n) {
  for (std::int64_t c = 0; c < n; ++c) a[c] += w1 * v1[c] + w2 * v2[c] + w3 * v3[c] + w4 * v4[c];
}
AUTODET_VECTOR_CLONES void add_sample(float* __restrict a, const float* __restrict v1, const float* __restrict v2,
                                      const float* __restrict v3, const float* __restrict v4, float w1, float w2,
                                      float w3, float w4, std::int64_t n) {
  for (std::int64_t c = 0; c < n; ++c) a[c] += w1 * v1[c] + w2 * v2[c] + w3 * v3[c] + w4 * v4[c];
}

// m += w v
template <typename T>
void add_scaled(T* __restrict m, const T* __restrict v, T w, std::int64_t n) {
  for (std::int64_t c = 0; c < n; ++c) m[c] += v[c] * w;
}
AUTODET_VECTOR_CLONES void add_scaled(float* __restrict m, const float* __restrict v, float w, std::int64_t n) {
  for (std::int64_t c = 0; c < n; ++c) m[c] += v[c] * w;
}

// The samples of every RoI, computed once (in parallel) for a backward pass.
template <typename T>
struct RoiSamples {
  std::vector<std::vector<Sample<T>>> samples;
  std::vector<std::int64_t> per_bin;
  std::vector<T> counts;
  RoiSamples(const T* rois, std::int64_t K, const Geometry& g)
      : samples(static_cast<std::size_t>(K)), per_bin(static_cast<std::size_t>(K)), counts(static_cast<std::size_t>(K)) {
    at::parallel_for(0, K, 16, [&](std::int64_t k0, std::int64_t k1) {
      for (std::int64_t k = k0; k < k1; ++k) {
        int gh = 0, gw = 0;
        roi_samples(rois + k * 5, g, samples[std::size_t(k)], gh, gw, counts[std::size_t(k)]);
        per_bin[std::size_t(k)] = std::int64_t(gh) * gw;
      }
    });
  }
};

// output (K, C, ph, pw) from input (N, C, H, W), both contiguous or both channels-last. On
// channels-last maps (as the FPN gives them: the ResNet runs so) each sample's four pixels are
// contiguous vectors of channels and the inner loop runs over them; converting the maps would
// cost more than the pooling. Each output value adds its samples in torchvision's order.
template <typename T>
void forward_kernel(const torch::Tensor& input, const torch::Tensor& rois, torch::Tensor& output, const Geometry& g,
                    bool nhwc) {
  const std::int64_t K = rois.size(0), C = input.size(1), N = input.size(0);
  const T* in = input.data_ptr<T>();
  const T* r = rois.data_ptr<T>();
  T* out = output.data_ptr<T>();
  const std::int64_t plane = g.H * g.W, bins = g.ph * g.pw;
  at::parallel_for(0, K, 1, [&](std::int64_t k0, std::int64_t k1) {
    std::vector<Sample<T>> samples;
    std::vector<T> acc(nhwc ? static_cast<std::size_t>(C) : 0);
    for (std::int64_t k = k0; k < k1; ++k) {
      const T* roi = r + k * 5;
      const auto b = std::int64_t(roi[0]);
      if (b < 0 || b >= N) continue;  // checked before; keeps a bad index from reading out of bounds
      int gh = 0, gw = 0;
      T count = 1;
      roi_samples(roi, g, samples, gh, gw, count);
      const std::int64_t per_bin = std::int64_t(gh) * gw;
      if (nhwc) {
        const T* map = in + b * plane * C;
        const Sample<T>* s = samples.data();
        for (std::int64_t bin = 0; bin < bins; ++bin) {
          T* a = acc.data();
          std::fill(a, a + C, T(0));
          for (std::int64_t i = 0; i < per_bin; ++i, ++s)
            add_sample(a, map + s->p1 * C, map + s->p2 * C, map + s->p3 * C, map + s->p4 * C, s->w1, s->w2, s->w3,
                       s->w4, C);
          T* o = out + (k * bins + bin) * C;
          for (std::int64_t c = 0; c < C; ++c) o[c] = a[c] / count;
        }
        continue;
      }
      for (std::int64_t c = 0; c < C; ++c) {
        const T* map = in + (b * C + c) * plane;
        T* o = out + (k * C + c) * bins;
        const Sample<T>* s = samples.data();
        for (std::int64_t bin = 0; bin < bins; ++bin) {
          T acc1 = 0;
          for (std::int64_t i = 0; i < per_bin; ++i, ++s)
            acc1 += s->w1 * map[s->p1] + s->w2 * map[s->p2] + s->w3 * map[s->p3] + s->w4 * map[s->p4];
          o[bin] = acc1 / count;
        }
      }
    }
  });
}

// grad_in (zeroed) gets the sum of every RoI's gradient; grad_in and grad_out both contiguous, or
// both channels-last. The samples of every RoI are computed once; each thread then owns a block of
// channels and goes RoI by RoI, so no two threads write one value, a RoI's samples come from cache
// for each of its channels, and each value adds the RoIs in order.
template <typename T>
void backward_kernel(const torch::Tensor& grad_out, const torch::Tensor& rois, torch::Tensor& grad_in, const Geometry& g,
                     bool nhwc) {
  const std::int64_t K = rois.size(0), C = grad_in.size(1), N = grad_in.size(0);
  const T* go = grad_out.data_ptr<T>();
  const T* r = rois.data_ptr<T>();
  T* gi = grad_in.data_ptr<T>();
  const std::int64_t plane = g.H * g.W, bins = g.ph * g.pw;
  const RoiSamples<T> all(r, K, g);
  at::parallel_for(0, C, nhwc ? 16 : 1, [&](std::int64_t c0, std::int64_t c1) {
    std::vector<T> v(nhwc ? static_cast<std::size_t>(c1 - c0) : 0);
    for (std::int64_t k = 0; k < K; ++k) {
      const auto b = std::int64_t(r[k * 5]);
      if (b < 0 || b >= N) continue;
      const T count = all.counts[std::size_t(k)];
      const std::int64_t n = all.per_bin[std::size_t(k)];
      if (nhwc) {
        T* map = gi + b * plane * C + c0;
        const Sample<T>* s = all.samples[std::size_t(k)].data();
        for (std::int64_t bin = 0; bin < bins; ++bin) {
          const T* gb = go + (k * bins + bin) * C + c0;
          for (std::int64_t c = 0; c < c1 - c0; ++c) v[std::size_t(c)] = gb[c] / count;
          for (std::int64_t i = 0; i < n; ++i, ++s) {
            // One loop per corner: corners clamped at the border are the same pixel.
            const std::int64_t p[4] = {s->p1, s->p2, s->p3, s->p4};
            const T w[4] = {s->w1, s->w2, s->w3, s->w4};
            for (int j = 0; j < 4; ++j) add_scaled(map + p[j] * C, v.data(), w[j], c1 - c0);
          }
        }
        continue;
      }
      for (std::int64_t c = c0; c < c1; ++c) {
        T* map = gi + (b * C + c) * plane;
        const T* g_bins = go + (k * C + c) * bins;
        const Sample<T>* s = all.samples[std::size_t(k)].data();
        for (std::int64_t bin = 0; bin < bins; ++bin) {
          const T gb = g_bins[bin] / count;
          for (std::int64_t i = 0; i < n; ++i, ++s) {
            map[s->p1] += gb * s->w1;
            map[s->p2] += gb * s->w2;
            map[s->p3] += gb * s->w3;
            map[s->p4] += gb * s->w4;
          }
        }
      }
    }
  });
}

class RoiAlignFunction : public torch::autograd::Function<RoiAlignFunction> {
 public:
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& input,
                               const torch::Tensor& rois, double scale, std::int64_t ph, std::int64_t pw,
                               std::int64_t sampling_ratio, bool aligned) {
    const bool nhwc = input.dim() == 4 && input.size(1) > 1 &&
                      input.suggest_memory_format() == at::MemoryFormat::ChannelsLast;
    const auto format = nhwc ? at::MemoryFormat::ChannelsLast : at::MemoryFormat::Contiguous;
    auto x = input.contiguous(format);
    auto r = rois.to(x.dtype()).contiguous();
    Geometry g{x.size(2), x.size(3), ph, pw, int(sampling_ratio), aligned, scale};
    auto out = torch::empty({r.size(0), x.size(1), ph, pw}, x.options().memory_format(format)).zero_();
    if (r.size(0) > 0 && x.numel() > 0)
      AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "roi_align_forward", [&] {
        forward_kernel<scalar_t>(x, r, out, g, nhwc);
      });
    ctx->saved_data["channels_last"] = nhwc;
    ctx->save_for_backward({r});
    ctx->saved_data["shape"] = std::vector<std::int64_t>(x.sizes().begin(), x.sizes().end());
    ctx->saved_data["scale"] = scale;
    ctx->saved_data["ph"] = ph;
    ctx->saved_data["pw"] = pw;
    ctx->saved_data["sampling_ratio"] = sampling_ratio;
    ctx->saved_data["aligned"] = aligned;
    return out;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    auto r = ctx->get_saved_variables()[0];
    const auto shape = ctx->saved_data["shape"].toIntVector();
    Geometry g{shape[2], shape[3], ctx->saved_data["ph"].toInt(), ctx->saved_data["pw"].toInt(),
               int(ctx->saved_data["sampling_ratio"].toInt()), ctx->saved_data["aligned"].toBool(),
               ctx->saved_data["scale"].toDouble()};
    const bool nhwc = ctx->saved_data["channels_last"].toBool();
    const auto format = nhwc ? at::MemoryFormat::ChannelsLast : at::MemoryFormat::Contiguous;
    auto go = grads[0].contiguous(format);
    auto gi = torch::empty(shape, go.options().memory_format(format)).zero_();  // zeros() drops the format
    if (r.size(0) > 0)
      AT_DISPATCH_FLOATING_TYPES(go.scalar_type(), "roi_align_backward", [&] {
        backward_kernel<scalar_t>(go, r, gi, g, nhwc);
      });
    return {gi, torch::Tensor(), torch::Tensor(), torch::Tensor(), torch::Tensor(), torch::Tensor(), torch::Tensor()};
  }
};

}  // namespace

torch::Tensor roi_align(const torch::Tensor& input, const torch::Tensor& rois, double spatial_scale, int pooled_h,
                        int pooled_w, int sampling_ratio, bool aligned) {
  if (input.dim() != 4) throw UsageError("roi_align: input must be (N, C, H, W)");
  if (rois.dim() != 2 || rois.size(1) != 5) throw UsageError("roi_align: rois must be (K, 5)");
  if (pooled_h < 1 || pooled_w < 1) throw UsageError("roi_align: the output size must be at least 1x1");
  if (!input.is_floating_point()) throw UsageError("roi_align: input must be floating point");
  if (rois.size(0) > 0) {
    auto idx = rois.select(1, 0);
    if (idx.min().item<double>() < 0 || idx.max().item<double>() >= double(input.size(0)))
      throw UsageError("roi_align: a RoI's batch index is outside the input batch");
  }
  const auto device = input.device();
  auto x = device.is_cpu() ? input : input.to(torch::kCPU);
  auto r = rois.detach().to(torch::kCPU);
  auto out = RoiAlignFunction::apply(x, r, spatial_scale, pooled_h, pooled_w, sampling_ratio, aligned);
  return device.is_cpu() ? out : out.to(device);
}

}  // namespace autodet::models
