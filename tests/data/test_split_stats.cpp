#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "data/split.h"
#include "data/stats.h"
#include "test_util.h"

using namespace autodet;
using namespace autodet::testing;

namespace {
SplitDataset make(int n) {
  SplitDataset sd;
  for (int i = 0; i < n; ++i) {
    ImageRecord r;
    r.url = "img" + std::to_string(1000 + i) + ".jpg";
    r.path = r.url;
    r.width = 100;
    r.height = 50;
    r.boxes.push_back(Box{0, 0, 10, 10, i % 3 ? "a" : "b", false});
    sd.splits["train"].images.push_back(r);
  }
  return sd;
}
std::vector<std::string> urls(const Dataset& d) {
  std::vector<std::string> u;
  for (const auto& im : d.images) u.push_back(im.url);
  return u;
}
}  // namespace

TEST(Split, DeterministicFractionAndSeed) {
  auto a = make(101), b = make(101), c = make(101);
  split_validation(a, 0.2, 7);
  split_validation(b, 0.2, 7);
  split_validation(c, 0.2, 8);
  EXPECT_EQ(a.splits["validation"].images.size(), 20u);
  EXPECT_EQ(a.splits["train"].images.size(), 81u);
  EXPECT_EQ(urls(a.splits["validation"]), urls(b.splits["validation"]));
  EXPECT_NE(urls(a.splits["validation"]), urls(c.splits["validation"]));
  // Input order does not matter: the split is made on the URL-sorted list.
  auto d = make(101);
  std::reverse(d.splits["train"].images.begin(), d.splits["train"].images.end());
  split_validation(d, 0.2, 7);
  EXPECT_EQ(urls(a.splits["validation"]), urls(d.splits["validation"]));
}

TEST(Split, GivenValidationWinsAndEdgeCases) {
  auto a = make(10);
  a.splits["validation"].images.push_back(a.splits["train"].images.back());
  a.splits["train"].images.pop_back();
  split_validation(a, 0.5, 1);
  EXPECT_EQ(a.splits["validation"].images.size(), 1u);
  auto two = make(2);
  split_validation(two, 0.01, 1);
  EXPECT_EQ(two.splits["validation"].images.size(), 1u);
  auto one = make(1);
  split_validation(one, 0.2, 1);
  EXPECT_EQ(one.splits["train"].images.size(), 1u);
  EXPECT_THROW(split_validation(one, 1.0, 1), std::exception);
  EXPECT_THROW(split_validation(one, 0.0, 1), std::exception);
}

TEST(Split, ListsAssignImagesByStem) {
  TempDir t;
  auto sd = make(5);
  write_text(t / "val.txt", "img1001\nimg1003.jpg\nnope\n");
  write_text(t / "test.txt", "img1004\n");
  Diagnostics d;
  apply_split_lists(sd, {{"val", t / "val.txt"}, {"test", t / "test.txt"}}, d);
  EXPECT_EQ(urls(sd.splits["validation"]), (std::vector<std::string>{"img1001.jpg", "img1003.jpg"}));
  EXPECT_EQ(sd.splits["test"].images.size(), 1u);
  EXPECT_EQ(sd.splits["train"].images.size(), 2u);
  EXPECT_EQ(d.count("unknown_split_id"), 1u);
  EXPECT_EQ(d.count("not_in_split"), 2u);
}

TEST(Stats, CountsAndHistograms) {
  Dataset ds;
  ImageRecord r;
  r.width = 640;
  r.height = 480;
  r.boxes = {Box{0, 0, 10, 10, "a", false}, Box{0, 0, 40, 20, "a", true}, Box{0, 0, 100, 100, "b", false}};
  ds.images.push_back(r);
  r.boxes.clear();
  ds.images.push_back(r);
  ds.declared_classes = {"c"};
  DatasetStats s = compute_stats(ds);
  EXPECT_EQ(s.images, 2u);
  EXPECT_EQ(s.boxes, 3u);
  EXPECT_EQ(s.crowd_boxes, 1u);
  EXPECT_EQ(s.images_without_boxes, 1u);
  EXPECT_EQ(s.classes.at("a"), 2u);
  EXPECT_EQ(s.classes.at("c"), 0u);
  // sqrt areas 10, 28.3, 100 -> bins 8-16, 16-32, 64-128
  EXPECT_EQ(s.box_size.counts[1], 1u);
  EXPECT_EQ(s.box_size.counts[2], 1u);
  EXPECT_EQ(s.box_size.counts[4], 1u);
  EXPECT_EQ(s.coco_area.counts[0], 2u);  // 100 and 800 < 1024
  EXPECT_EQ(s.coco_area.counts[2], 1u);  // 10000 >= 9216
  EXPECT_EQ(s.aspect.counts[3], 2u);     // 1.0 twice
  EXPECT_EQ(s.aspect.counts[5], 1u);     // 2.0
  auto j = stats_to_json(s);
  EXPECT_EQ(j["images"], 2);
  EXPECT_EQ(j["classes"]["b"], 1);
  EXPECT_EQ(j["image_sizes"]["640x480"], 2);
}
