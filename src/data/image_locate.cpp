#include "data/image_locate.h"

#include "core/fs.h"
#include "data/image_url.h"

namespace autodet {

std::string locate_image(const std::string& name, const std::string& source_dir, const ReadOptions& opts,
                         const Location& where, Diagnostics& diag) {
  const std::string base = opts.images_dir.empty() ? source_dir : opts.images_dir;
  std::string p = resolve_image_url(name, base, opts, where, diag);
  if (p.empty() || fs_exists(p) || !opts.images_dir.empty() || is_remote_url(name)) return p;
  std::string alt = join_path(join_path(source_dir, "images"), name);
  if (fs_exists(alt)) return alt;
  // COCO/VOC file names sometimes carry a folder that no longer exists: try the bare name.
  std::string bare = join_path(base, file_name(name));
  if (bare != p && fs_exists(bare)) return bare;
  return p;
}

}  // namespace autodet
