#include "core/fs.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "core/error.h"

namespace stdfs = std::filesystem;

namespace autodet {

bool fs_exists(const std::string& path) {
  std::error_code ec;
  return stdfs::exists(path, ec);
}

bool fs_is_dir(const std::string& path) {
  std::error_code ec;
  return stdfs::is_directory(path, ec);
}

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw Error(Location{path, 0, "", ""}, fs_exists(path) ? "cannot open file" : "file does not exist");
  if (fs_is_dir(path)) throw Error(Location{path, 0, "", ""}, "is a folder, a file was expected");
  std::ostringstream ss;
  ss << f.rdbuf();
  if (f.bad()) throw Error(Location{path, 0, "", ""}, "read error");
  return ss.str();
}

void write_file_atomic(const std::string& path, const std::string& bytes) {
  std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) throw Error(Location{path, 0, "", ""}, "cannot write file");
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    f.flush();
    if (!f) {
      std::error_code ec;
      stdfs::remove(tmp, ec);
      throw Error(Location{path, 0, "", ""}, "write failed (disk full?)");
    }
  }
  std::error_code ec;
  stdfs::rename(tmp, path, ec);
  if (ec) throw Error(Location{path, 0, "", ""}, "cannot move temporary file into place: " + ec.message());
}

void make_dirs(const std::string& path) {
  std::error_code ec;
  stdfs::create_directories(path, ec);
  if (ec) throw Error(Location{path, 0, "", ""}, "cannot create folder: " + ec.message());
}

std::string parent_dir(const std::string& path) {
  auto p = stdfs::path(path).parent_path().string();
  return p.empty() ? "." : p;
}

std::string file_name(const std::string& path) { return stdfs::path(path).filename().string(); }
std::string stem(const std::string& path) { return stdfs::path(path).stem().string(); }

std::string extension(const std::string& path) {
  std::string e = stdfs::path(path).extension().string();
  if (!e.empty() && e[0] == '.') e.erase(0, 1);
  std::transform(e.begin(), e.end(), e.begin(), [](unsigned char c) { return std::tolower(c); });
  return e;
}

std::string join_path(const std::string& a, const std::string& b) {
  if (a.empty() || a == ".") return b;
  return (stdfs::path(a) / b).string();
}

std::string absolute_path(const std::string& path) {
  std::error_code ec;
  auto p = stdfs::absolute(path, ec);
  if (ec) p = stdfs::path(path);
  return p.lexically_normal().string();
}

std::string relative_path(const std::string& target, const std::string& base) {
  return stdfs::path(absolute_path(target)).lexically_relative(absolute_path(base)).string();
}

bool stays_inside(const std::string& relative) {
  auto p = stdfs::path(relative).lexically_normal();
  if (p.is_absolute()) return false;
  auto it = p.begin();
  return it == p.end() || it->string() != "..";
}

std::vector<std::string> list_files(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (auto it = stdfs::directory_iterator(dir, ec); !ec && it != stdfs::directory_iterator(); it.increment(ec))
    if (it->is_regular_file()) out.push_back(it->path().string());
  if (ec) throw Error(Location{dir, 0, "", ""}, "cannot list folder: " + ec.message());
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> list_files_recursive(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (auto it = stdfs::recursive_directory_iterator(dir, ec); !ec && it != stdfs::recursive_directory_iterator();
       it.increment(ec))
    if (it->is_regular_file()) out.push_back(it->path().string());
  if (ec) throw Error(Location{dir, 0, "", ""}, "cannot list folder: " + ec.message());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace autodet
