// Which images training can use: the rule `data validate` applies, each file decoded once.
#include "data/decode_check.h"

#include <gtest/gtest.h>

#include "core/diagnostics.h"
#include "data/image_probe.h"
#include "test_util.h"

namespace autodet {
namespace {

using testing::TempDir;

ImageRecord record(const std::string& path) {
  ImageRecord r;
  r.url = r.path = path;
  return r;
}

TEST(DecodeCheck, TruncatedZeroByteAndGarbageFilesAreUnusableEachOnce) {
  TempDir t;
  testing::make_image(t / "ok.jpg", 40, 30);
  const std::string whole = testing::read_text(t / "ok.jpg");
  testing::write_text(t / "cut.jpg", whole.substr(0, whole.size() - 40));
  testing::write_text(t / "empty.jpg", "");
  testing::write_text(t / "text.png", "not an image at all");
  Dataset train, val;
  for (const char* name : {"ok.jpg", "cut.jpg", "empty.jpg", "cut.jpg"}) train.images.push_back(record(t / name));
  val.images.push_back(record(t / "text.png"));
  val.images.push_back(record(t / "ok.jpg"));

  const auto bad = find_unusable_images({&train, &val}, kDefaultMaxImagePixels, 2);
  ASSERT_EQ(bad.size(), 3u);  // cut.jpg once, though two records name it
  EXPECT_EQ(bad[0].path, t / "cut.jpg");
  EXPECT_NE(bad[0].reason.find("truncated JPEG"), std::string::npos) << bad[0].reason;
  EXPECT_EQ(bad[0].reason.find(t / "cut.jpg"), std::string::npos) << "the reason repeats the path: " << bad[0].reason;
  EXPECT_NE(bad[1].reason.find("empty file"), std::string::npos) << bad[1].reason;
  EXPECT_EQ(bad[2].path, t / "text.png");

  EXPECT_EQ(drop_unusable_images(train, bad), 3u);
  ASSERT_EQ(train.images.size(), 1u);
  EXPECT_EQ(train.images[0].path, t / "ok.jpg");
  EXPECT_EQ(drop_unusable_images(val, bad), 1u);
}

// `data validate` (ImageCheck::Decode) and training decide with the same function.
TEST(DecodeCheck, ValidateAgreesAndReportsTheFileApart) {
  TempDir t;
  testing::make_image(t / "ok.jpg", 40, 30);
  const std::string whole = testing::read_text(t / "ok.jpg");
  testing::write_text(t / "cut.jpg", whole.substr(0, whole.size() / 2));
  ReadOptions opts;
  opts.image_check = ImageCheck::Decode;
  for (const char* name : {"ok.jpg", "cut.jpg", "gone.jpg"}) {
    ImageRecord rec = record(t / name);
    Diagnostics diag;
    const bool usable = settle_image(rec, 0, 0, opts, Location{t / "a.jsonl", 1, "", ""}, diag);
    EXPECT_EQ(usable, image_decode_problem(rec.path, kDefaultMaxImagePixels).empty()) << name;
    const auto rejected = unusable_images_in(diag);
    ASSERT_EQ(rejected.size(), usable ? 0u : 1u) << name;
    if (!usable) {
      EXPECT_EQ(rejected[0].path, rec.path);
      EXPECT_NE(diag.items()[0].message.find(rec.path), std::string::npos) << diag.items()[0].message;
    }
  }
}

}  // namespace
}  // namespace autodet
