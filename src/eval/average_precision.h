#pragma once
// Azure's VOC average precision from a precision-recall curve (spec §6.2 step 4).
#include <vector>

namespace autodet::eval {

// All-point AUC: prepend (recall 0, precision 1), replace each precision by the highest
// precision at any later point, AP = sum of p'_i * (r_i - r_{i-1}). recall must not decrease.
double voc_ap_all_points(const std::vector<double>& precision, const std::vector<double>& recall);

// 11-point AP: mean over recall levels i*0.1 (i = 0..10) of the highest precision at
// recall >= level (0 when no point reaches it).
double voc_ap_11_points(const std::vector<double>& precision, const std::vector<double>& recall);

}  // namespace autodet::eval
