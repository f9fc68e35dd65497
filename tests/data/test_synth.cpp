// The embedded synthetic dataset: determinism, classes, boxes, read-back, the CLI.
#include "data/synth.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include <gtest/gtest.h>

#include "core/diagnostics.h"
#include "core/error.h"
#include "core/fs.h"
#include "data/formats/mltable.h"
#include "test_util.h"

namespace autodet {
namespace {

using testing::read_text;
using testing::run_autodet;
using testing::TempDir;

SynthOptions small_options(std::uint64_t seed) {
  SynthOptions o;
  o.images = 12;
  o.width = 160;
  o.height = 120;
  o.seed = seed;
  return o;
}

// Every file under dir, by path relative to dir, with its bytes.
std::map<std::string, std::string> folder_bytes(const std::string& dir) {
  std::map<std::string, std::string> files;
  for (const auto& f : list_files_recursive(dir)) files[relative_path(f, dir)] = read_file(f);
  return files;
}

void expect_same_files(const std::string& a, const std::string& b) {
  const auto fa = folder_bytes(a), fb = folder_bytes(b);
  ASSERT_EQ(fa.size(), fb.size());
  for (const auto& [name, bytes] : fa) {
    auto it = fb.find(name);
    ASSERT_NE(it, fb.end()) << name << " missing in the second folder";
    EXPECT_TRUE(bytes == it->second) << name << " differs";
  }
}

std::vector<std::string> first_kinds(int k) {
  std::vector<std::string> v(synthetic_class_kinds().begin(), synthetic_class_kinds().begin() + k);
  std::sort(v.begin(), v.end());
  return v;
}

// True when validate_synth_options rejects the default options after `change`.
template <typename Change>
bool rejected(Change change) {
  SynthOptions o;
  change(o);
  try {
    validate_synth_options(o);
  } catch (const UsageError&) {
    return true;
  }
  return false;
}

TEST(SynthDeterminism, SameSeedGivesIdenticalBytes) {
  TempDir a, b;
  generate_synthetic(small_options(3), a.path());
  generate_synthetic(small_options(3), b.path());
  const auto files = folder_bytes(a.path());
  EXPECT_EQ(files.size(), 12u + 2u);  // images, annotations.jsonl, MLTable
  EXPECT_TRUE(files.count("annotations.jsonl") && files.count("MLTable") && files.count("images/000001.jpg") &&
              files.count("images/000012.jpg"));
  expect_same_files(a.path(), b.path());
}

TEST(SynthDeterminism, DifferentSeedGivesDifferentBytes) {
  TempDir a, b;
  generate_synthetic(small_options(3), a.path());
  generate_synthetic(small_options(4), b.path());
  const auto fa = folder_bytes(a.path()), fb = folder_bytes(b.path());
  ASSERT_EQ(fa.size(), fb.size());
  EXPECT_NE(fa.at("annotations.jsonl"), fb.at("annotations.jsonl"));
  for (const auto& [name, bytes] : fa)
    if (name.rfind("images/", 0) == 0) EXPECT_NE(bytes, fb.at(name)) << name;
}

TEST(SynthDeterminism, ImageDependsOnlyOnSeedAndIndex) {
  SynthOptions few = small_options(5), many = small_options(5);
  few.images = 4;
  many.images = 40;
  for (int i = 0; i < 4; ++i) {
    SynthImage x = render_synthetic_image(few, i), y = render_synthetic_image(many, i);
    ASSERT_EQ(x.image.size(), y.image.size());
    EXPECT_EQ(cv::norm(x.image, y.image, cv::NORM_INF), 0.0);
    ASSERT_EQ(x.boxes.size(), y.boxes.size());
    for (std::size_t k = 0; k < x.boxes.size(); ++k) {
      EXPECT_EQ(x.boxes[k].label, y.boxes[k].label);
      EXPECT_EQ(x.boxes[k].x0, y.boxes[k].x0);
      EXPECT_EQ(x.boxes[k].y1, y.boxes[k].y1);
    }
  }
  EXPECT_GT(cv::norm(render_synthetic_image(few, 0).image, render_synthetic_image(few, 1).image, cv::NORM_L1), 0.0);
}

TEST(SynthDataset, ClassCountAndNames) {
  const int kinds = int(synthetic_class_kinds().size());
  ASSERT_GE(kinds, 8);
  EXPECT_EQ(first_kinds(4), (std::vector<std::string>{"circle", "square", "star", "triangle"}));
  for (int k : {1, 2, 4, 8, kinds}) {
    SynthOptions o = small_options(11);
    o.classes = k;
    o.images = 40;
    std::set<std::string> seen;
    for (int i = 0; i < o.images; ++i)
      for (const auto& b : render_synthetic_image(o, i).boxes) seen.insert(b.label);
    EXPECT_EQ(std::vector<std::string>(seen.begin(), seen.end()), first_kinds(k)) << k << " classes";
  }
  TempDir dir;
  SynthOptions o = small_options(2);
  o.images = 1;
  o.classes = kinds;
  EXPECT_EQ(generate_synthetic(o, dir.path()).classes(), first_kinds(kinds));  // declared even without boxes
}

TEST(SynthDataset, BoxesLieInsideTheImageAndAreNotEmpty) {
  for (auto [w, h] : {std::pair{32, 32}, std::pair{57, 203}, std::pair{320, 320}, std::pair{640, 96}}) {
    SynthOptions o = small_options(21);
    o.width = w;
    o.height = h;
    o.classes = int(synthetic_class_kinds().size());
    o.images = 25;
    std::size_t total = 0;
    for (int i = 0; i < o.images; ++i) {
      SynthImage im = render_synthetic_image(o, i);
      ASSERT_EQ(im.image.cols, w);
      ASSERT_EQ(im.image.rows, h);
      ASSERT_EQ(im.image.type(), CV_8UC3);
      EXPECT_GE(im.boxes.size(), 1u) << w << "x" << h << " image " << i;
      EXPECT_LE(im.boxes.size(), std::size_t(o.max_objects));
      total += im.boxes.size();
      for (const auto& b : im.boxes) {
        EXPECT_GE(b.x0, 0.0);
        EXPECT_GE(b.y0, 0.0);
        EXPECT_LE(b.x1, double(w));
        EXPECT_LE(b.y1, double(h));
        EXPECT_GE(b.width(), 1.0);
        EXPECT_GE(b.height(), 1.0);
        EXPECT_LE(std::max(b.width(), b.height()), 0.45 * std::min(w, h) + 1e-9);
        EXPECT_FALSE(b.crowd);
      }
    }
    EXPECT_GT(total, std::size_t(o.images) * 2) << "too few objects placed in " << w << "x" << h;
  }
}

TEST(SynthDataset, ReadsBackThroughMLTable) {
  TempDir dir;
  SynthOptions o = small_options(8);
  o.classes = 6;
  const Dataset written = generate_synthetic(o, dir.path());
  ReadOptions ro;
  ro.image_check = ImageCheck::Decode;
  Diagnostics diag;
  const Dataset back = read_mltable(dir.path(), ro, diag);
  for (const auto& d : diag.items()) ADD_FAILURE() << d.str();
  ASSERT_EQ(back.images.size(), written.images.size());
  for (std::size_t i = 0; i < back.images.size(); ++i) {
    const ImageRecord &w = written.images[i], &r = back.images[i];
    EXPECT_EQ(r.url, w.url);
    EXPECT_EQ(r.width, o.width);
    EXPECT_EQ(r.height, o.height);
    EXPECT_EQ(r.format, "jpg");
    ASSERT_EQ(r.boxes.size(), w.boxes.size()) << w.url;
    for (std::size_t k = 0; k < r.boxes.size(); ++k) {
      EXPECT_EQ(r.boxes[k].label, w.boxes[k].label);
      EXPECT_NEAR(r.boxes[k].x0, w.boxes[k].x0, 1e-6);
      EXPECT_NEAR(r.boxes[k].y0, w.boxes[k].y0, 1e-6);
      EXPECT_NEAR(r.boxes[k].x1, w.boxes[k].x1, 1e-6);
      EXPECT_NEAR(r.boxes[k].y1, w.boxes[k].y1, 1e-6);
      EXPECT_EQ(r.boxes[k].crowd, false);
    }
  }
}

TEST(SynthDataset, FolderIsRelocatable) {
  TempDir a, b;
  generate_synthetic(small_options(6), a / "one");
  generate_synthetic(small_options(6), b / "two/deeper");
  expect_same_files(a / "one", b / "two/deeper");
  EXPECT_EQ(read_text(a / "one/annotations.jsonl").find(a.path()), std::string::npos);
  std::filesystem::rename(a / "one", a / "moved");
  Diagnostics diag;
  const Dataset back = read_mltable(a / "moved", ReadOptions{}, diag);
  EXPECT_EQ(diag.errors(), 0u);
  EXPECT_EQ(back.images.size(), 12u);
}

TEST(SynthValidation, BadOptionsAreRejected) {
  EXPECT_TRUE(rejected([](SynthOptions& o) { o.images = 0; }));
  EXPECT_TRUE(rejected([](SynthOptions& o) { o.classes = 0; }));
  EXPECT_TRUE(rejected([](SynthOptions& o) { o.classes = int(synthetic_class_kinds().size()) + 1; }));
  EXPECT_TRUE(rejected([](SynthOptions& o) { o.width = 31; }));
  EXPECT_TRUE(rejected([](SynthOptions& o) { o.height = 4097; }));
  EXPECT_TRUE(rejected([](SynthOptions& o) { o.min_objects = 3, o.max_objects = 2; }));
  EXPECT_TRUE(rejected([](SynthOptions& o) { o.min_objects = -1; }));
  EXPECT_TRUE(rejected([](SynthOptions& o) { o.jpeg_quality = 0; }));
  EXPECT_FALSE(rejected([](SynthOptions& o) { o.width = 32, o.height = 4096, o.classes = 1; }));

  SynthOptions o;
  o.classes = 99;
  try {
    validate_synth_options(o);
    FAIL() << "classes 99 accepted";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("classes"), std::string::npos) << e.what();
  }
  TempDir dir;
  EXPECT_THROW(generate_synthetic(o, dir / "out"), UsageError);
  EXPECT_FALSE(fs_exists(dir / "out"));  // nothing written
}

TEST(SynthCli, GeneratesTheSameDatasetAsTheLibrary) {
  TempDir dir;
  std::string out;
  ASSERT_EQ(run_autodet("data synth --out " + (dir / "cli") + " --images 5 --classes 3 --size 96x64 --seed 9", &out), 0)
      << out;
  EXPECT_NE(out.find("5 images"), std::string::npos) << out;
  EXPECT_NE(out.find("3 classes (circle, square, triangle)"), std::string::npos) << out;
  SynthOptions o;
  o.images = 5;
  o.classes = 3;
  o.width = 96;
  o.height = 64;
  o.seed = 9;
  generate_synthetic(o, dir / "lib");
  expect_same_files(dir / "cli", dir / "lib");
}

TEST(SynthCli, BadArgumentsAreUsageErrors) {
  TempDir dir;
  const std::string base = "data synth --out " + (dir / "x");
  std::string out;
  EXPECT_EQ(run_autodet(base + " --size 320", &out), 2);
  EXPECT_NE(out.find("--size"), std::string::npos) << out;
  EXPECT_EQ(run_autodet(base + " --size 0x100", &out), 2);
  EXPECT_EQ(run_autodet(base + " --size 20x20", &out), 2);
  EXPECT_NE(out.find("32x32"), std::string::npos) << out;
  EXPECT_EQ(run_autodet(base + " --classes 0", &out), 2);
  EXPECT_NE(out.find("classes"), std::string::npos) << out;
  EXPECT_EQ(run_autodet(base + " --images 0", &out), 2);
  EXPECT_EQ(run_autodet(base + " --images many", &out), 2);
  EXPECT_EQ(run_autodet(base + " --seed -1", &out), 2);
  EXPECT_NE(out.find("--seed"), std::string::npos) << out;
  EXPECT_EQ(run_autodet("data synth --images 3", &out), 2);  // --out is required
  EXPECT_FALSE(fs_exists(dir / "x"));
}

}  // namespace
}  // namespace autodet
