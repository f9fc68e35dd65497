#include "deploy/predict_inputs.h"

#include <set>

#include "core/error.h"
#include "core/fs.h"
#include "core/image_io.h"

namespace autodet {
namespace {

// Collects entries, keeping draw names unique ("a.jpg", then "a_2.jpg", ...).
class InputList {
 public:
  explicit InputList(PredictInputs& out) : out_(out) {}

  void add(const std::string& filename, const std::string& path, std::string draw_name) {
    if (draw_name.empty() || !stays_inside(draw_name)) draw_name = file_name(path);
    if (used_.count(draw_name)) {
      const std::string dir = parent_dir(draw_name), ext = extension(draw_name), base = stem(draw_name);
      for (int n = 2;; ++n) {
        std::string candidate = base + "_" + std::to_string(n) + (ext.empty() ? "" : "." + ext);
        if (dir != ".") candidate = join_path(dir, candidate);
        if (!used_.count(candidate)) {
          draw_name = candidate;
          break;
        }
      }
    }
    used_.insert(draw_name);
    out_.images.push_back(PredictInput{filename, path, draw_name});
  }

 private:
  PredictInputs& out_;
  std::set<std::string> used_;
};

bool is_dataset(const std::string& arg, DataFormat format) {
  if (format != DataFormat::Auto) return true;
  try {
    detect_format(arg);
    return true;
  } catch (const UsageError&) {
    return false;
  }
}

void add_folder(InputList& list, const std::string& dir) {
  std::size_t found = 0;
  for (const auto& path : list_files_recursive(dir)) {
    if (!has_image_extension(path)) continue;
    list.add(path, path, relative_path(path, dir));
    ++found;
  }
  if (!found) throw UsageError(Location{dir, 0, "", ""}, "no image files in this folder (and it is no dataset)");
}

void add_dataset(InputList& list, PredictInputs& out, const std::string& arg, DataFormat format, const ReadOptions& read) {
  Diagnostics diag;
  const Dataset ds = load_dataset(arg, format, read, diag).merged();
  for (const auto& d : diag.items())
    if (d.severity == Severity::Error && (d.code == "missing_image" || d.code == "corrupt_image" || d.code == "image_too_large"))
      out.problems.push_back(d.str());
  for (const auto& im : ds.images) {
    if (im.path.empty()) {
      out.problems.push_back(im.source.file + ": image '" + im.url + "' cannot be found locally (see --image-root)");
      continue;
    }
    list.add(im.url, im.path, im.url.find("://") == std::string::npos ? im.url : file_name(im.path));
  }
}

}  // namespace

PredictInputs collect_predict_inputs(const std::vector<std::string>& args, DataFormat format, const ReadOptions& read) {
  PredictInputs out;
  InputList list(out);
  for (const auto& arg : args) {
    if (!fs_exists(arg)) throw UsageError(Location{arg, 0, "", ""}, "does not exist");
    if (!fs_is_dir(arg) && has_image_extension(arg)) list.add(arg, arg, file_name(arg));
    else if (is_dataset(arg, format)) add_dataset(list, out, arg, format, read);
    else if (fs_is_dir(arg)) add_folder(list, arg);
    else throw UsageError(Location{arg, 0, "", ""}, "neither an image file nor a dataset autodet can tell the format of; pass --format");
  }
  return out;
}

}  // namespace autodet
