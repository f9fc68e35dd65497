#include "eval/class_cells.h"

#include <algorithm>

namespace autodet::eval {

std::vector<ClassCells> group_by_class(const EvalSet& set) {
  const int K = int(set.classes.size());
  std::vector<ClassCells> out(std::size_t(K), ClassCells{});
  std::vector<std::uint32_t> gt_idx, det_idx;
  for (std::size_t i : set.order()) {
    const EvalImage& im = set.images[i];
    gt_idx.clear();
    det_idx.clear();
    for (std::uint32_t g = 0; g < im.gts.size(); ++g)
      if (im.gts[g].cls >= 0 && im.gts[g].cls < K) gt_idx.push_back(g);
    for (std::uint32_t d = 0; d < im.dets.size(); ++d)
      if (im.dets[d].cls >= 0 && im.dets[d].cls < K) det_idx.push_back(d);
    std::stable_sort(gt_idx.begin(), gt_idx.end(), [&](auto a, auto b) { return im.gts[a].cls < im.gts[b].cls; });
    std::stable_sort(det_idx.begin(), det_idx.end(), [&](auto a, auto b) {
      const Detection& x = im.dets[a];
      const Detection& y = im.dets[b];
      return x.cls != y.cls ? x.cls < y.cls : x.score > y.score;
    });
    // Walk both class-sorted lists together, one cell per class present in either.
    std::size_t g = 0, d = 0;
    while (g < gt_idx.size() || d < det_idx.size()) {
      const int gc = g < gt_idx.size() ? im.gts[gt_idx[g]].cls : K;
      const int dc = d < det_idx.size() ? im.dets[det_idx[d]].cls : K;
      const int k = std::min(gc, dc);
      ClassCells& cc = out[std::size_t(k)];
      Cell cell;
      cell.image = std::uint32_t(i);
      cell.gt_begin = std::uint32_t(cc.gts.size());
      for (; g < gt_idx.size() && im.gts[gt_idx[g]].cls == k; ++g) cc.gts.push_back(im.gts[gt_idx[g]]);
      cell.gt_end = std::uint32_t(cc.gts.size());
      cell.det_begin = std::uint32_t(cc.dets.size());
      for (; d < det_idx.size() && im.dets[det_idx[d]].cls == k; ++d) cc.dets.push_back(im.dets[det_idx[d]]);
      cell.det_end = std::uint32_t(cc.dets.size());
      cc.cells.push_back(cell);
    }
  }
  return out;
}

}  // namespace autodet::eval
