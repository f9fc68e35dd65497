#include "automl/job_images.h"

#include <chrono>
#include <unordered_set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/image_io.h"
#include "core/log.h"

namespace autodet {
namespace {

constexpr std::size_t kListedInErrors = 5;

std::size_t distinct_files(const std::pair<Dataset, Dataset>& data) {
  std::unordered_set<std::string> paths;
  for (const Dataset* d : {&data.first, &data.second})
    for (const ImageRecord& rec : d->images) paths.insert(rec.path);
  return paths.size();
}

void drop_from(std::pair<Dataset, Dataset>& data, const std::vector<UnusableImage>& unusable, const std::string& data_path) {
  drop_unusable_images(data.first, unusable);
  drop_unusable_images(data.second, unusable);
  const Location where{data_path, 0, "", ""};
  if (data.first.images.empty()) throw DataError(where, "no training image can be decoded");
  if (data.second.images.empty()) throw DataError(where, "no validation image can be decoded");
}

}  // namespace

std::vector<UnusableImage> leave_out_unusable_images(std::pair<Dataset, Dataset>& data,
                                                     const std::vector<UnusableImage>& rejected,
                                                     const std::string& data_path, unsigned threads) {
  const auto t0 = std::chrono::steady_clock::now();
  const std::size_t files = distinct_files(data);
  std::vector<UnusableImage> unusable = rejected;
  const auto found = find_unusable_images({&data.first, &data.second}, kDefaultMaxImagePixels, threads);
  unusable.insert(unusable.end(), found.begin(), found.end());
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  log::info("data: {} image files decoded in {:.1f} s, {} cannot be used", files, seconds, unusable.size());
  for (const UnusableImage& u : unusable) log::warn("skipping image {}: {}", u.path, u.reason);
  const std::size_t total = files + rejected.size();
  if (double(unusable.size()) > kMaxUnusableImageShare * double(total)) {
    std::string listed;
    for (std::size_t i = 0; i < unusable.size() && i < kListedInErrors; ++i)
      listed += fmt::format("{}{} ({})", i ? ", " : "", unusable[i].path, unusable[i].reason);
    if (unusable.size() > kListedInErrors) listed += fmt::format(" and {} more", unusable.size() - kListedInErrors);
    throw DataError(Location{data_path, 0, "", ""},
                    fmt::format("{} of {} images ({:.0f}%) cannot be decoded, more than the {:.0f}% a job may leave out: {}; "
                                "`autodet data validate` lists them all",
                                unusable.size(), total, 100.0 * double(unusable.size()) / double(total),
                                100 * kMaxUnusableImageShare, listed));
  }
  drop_from(data, unusable, data_path);
  return unusable;
}

void leave_out_recorded_images(std::pair<Dataset, Dataset>& data, const std::string& recorded, const std::string& data_path) {
  const auto j = nlohmann::json::parse(recorded, nullptr, /*allow_exceptions=*/false);
  if (!j.is_array() || j.empty()) return;
  std::vector<UnusableImage> unusable;
  for (const auto& e : j) unusable.push_back(UnusableImage{e.value("path", ""), e.value("reason", "")});
  drop_from(data, unusable, data_path);
  log::info("data: {} image file{} left out, as the job's check found (`autodet jobs show` lists them)", unusable.size(),
            unusable.size() == 1 ? "" : "s");
}

std::string unusable_images_json(const std::vector<UnusableImage>& images) {
  nlohmann::json j = nlohmann::json::array();
  for (const UnusableImage& u : images) j.push_back({{"path", u.path}, {"reason", u.reason}});
  return j.dump();
}

}  // namespace autodet
