#pragma once
// Small filesystem helpers: whole-file reads, atomic writes, path arithmetic.
#include <string>
#include <vector>

namespace autodet {

bool fs_exists(const std::string& path);
bool fs_is_dir(const std::string& path);
// Whole file as bytes; throws Error naming the path when it cannot be read.
std::string read_file(const std::string& path);
// Writes to "path.tmp-<pid>" then renames, so a crash never leaves a half-written file.
void write_file_atomic(const std::string& path, const std::string& bytes);
void make_dirs(const std::string& path);
// Folder of a path ("a/b/c.txt" -> "a/b"; "c.txt" -> ".").
std::string parent_dir(const std::string& path);
std::string file_name(const std::string& path);
std::string stem(const std::string& path);
std::string extension(const std::string& path);  // lower case, without the dot
std::string join_path(const std::string& a, const std::string& b);
// Lexically normalised absolute path (no symlink resolution).
std::string absolute_path(const std::string& path);
// Path of target relative to base folder (lexical).
std::string relative_path(const std::string& target, const std::string& base);
// True when the lexically normalised relative path stays inside its root (no leading "..").
bool stays_inside(const std::string& relative);
// Regular files directly inside dir (not recursive), sorted by name.
std::vector<std::string> list_files(const std::string& dir);
// Regular files under dir, recursively, sorted.
std::vector<std::string> list_files_recursive(const std::string& dir);

}  // namespace autodet
