#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "test_util.h"

using namespace autodet::testing;

TEST(CliData, ImportBccdThenStatsAndValidateTheImportedFolder) {
  AUTODET_REQUIRE_SHARED_DATA(dir);
  TempDir t;
  std::string out;
  ASSERT_EQ(run_autodet("data import --format voc " + dir + "/bccd/BCCD --out " + (t / "bccd"), &out), 0) << out;
  EXPECT_NE(out.find("BloodImage_00338.xml:163: object 13 (RBC): bndbox: empty box"), std::string::npos) << out;
  for (const char* f : {"train/MLTable", "train/train_annotations.jsonl", "validation/MLTable", "test/test_annotations.jsonl",
                        "import_report.json"})
    EXPECT_FALSE(read_text(t / ("bccd/" + std::string(f))).empty()) << f;

  ASSERT_EQ(run_autodet("-q data stats --json " + (t / "bccd"), &out), 0) << out;
  auto j = nlohmann::json::parse(out);
  EXPECT_EQ(j["images"], 364);
  EXPECT_EQ(j["boxes"], 4886);
  EXPECT_EQ(j["classes"].size(), 3u);
  EXPECT_EQ(j["splits"]["train"]["images"], 205);
  EXPECT_EQ(j["splits"]["validation"]["images"], 87);
  EXPECT_EQ(j["splits"]["test"]["images"], 72);
  EXPECT_EQ(j["splits"]["test"]["boxes"].get<int>() + j["splits"]["train"]["boxes"].get<int>() +
                j["splits"]["validation"]["boxes"].get<int>(),
            4886);

  ASSERT_EQ(run_autodet("data validate " + (t / "bccd"), &out), 0) << out;
  EXPECT_NE(out.find("OK:"), std::string::npos);
  // Validating the VOC source directly reports the same two defects, and it is still usable.
  ASSERT_EQ(run_autodet("data validate --json " + dir + "/bccd/BCCD", &out), 0) << out;
  j = nlohmann::json::parse(out.substr(out.find('{')));
  EXPECT_EQ(j["warnings"], 2);
  EXPECT_EQ(j["diagnostics"][0]["element"], "object 13 (RBC)");
}

TEST(CliData, RaccoonCsvSplitByFileNames) {
  AUTODET_REQUIRE_SHARED_DATA(dir);
  TempDir t;
  std::string out;
  ASSERT_EQ(run_autodet("data import --format csv " + dir + "/raccoon/train_labels.csv " + dir +
                            "/raccoon/test_labels.csv --out " + (t / "r") + " --val-fraction 0.25 --seed 3",
                        &out),
            0)
      << out;
  ASSERT_EQ(run_autodet("-q data stats --json " + (t / "r"), &out), 0) << out;
  auto j = nlohmann::json::parse(out);
  EXPECT_EQ(j["images"], 200);
  EXPECT_EQ(j["boxes"], 217);
  EXPECT_EQ(j["splits"]["test"]["images"], 40);
  EXPECT_EQ(j["splits"]["validation"]["images"], 40);
  EXPECT_EQ(j["splits"]["train"]["images"], 120);
}

TEST(CliData, ValidateFailsOnCorruptImageNamingIt) {
  TempDir t;
  make_image(t / "images/ok.jpg", 30, 30);
  std::string good = read_text(t / "images/ok.jpg");
  write_text(t / "images/cut.jpg", good.substr(0, good.size() / 2));
  write_text(t / "a.jsonl", R"({"image_url": "images/ok.jpg", "label": []})" "\n"
                            R"({"image_url": "images/cut.jpg", "label": []})" "\n");
  std::string out;
  EXPECT_EQ(run_autodet("data validate " + (t / "a.jsonl"), &out), 1) << out;
  EXPECT_NE(out.find("a.jsonl:2"), std::string::npos) << out;
  EXPECT_NE(out.find("truncated JPEG"), std::string::npos) << out;
  EXPECT_NE(out.find("NOT USABLE"), std::string::npos) << out;
  // --header-only does not decode, so it cannot see the damage.
  EXPECT_EQ(run_autodet("data validate --header-only " + (t / "a.jsonl"), &out), 0) << out;
}

TEST(CliData, UsageErrorsAreOneClearLine) {
  std::string out;
  EXPECT_EQ(run_autodet("data stats /no/such/path", &out), 1);
  EXPECT_NE(out.find("/no/such/path"), std::string::npos) << out;
  EXPECT_EQ(run_autodet("data import --format voc --out /tmp/x", &out), 2) << out;
  EXPECT_EQ(run_autodet("data frobnicate", &out), 2) << out;
}

TEST(CliData, RemoteUrlHintAndImageRoot) {
  TempDir t;
  make_image(t / "local/images/a.jpg", 30, 20);
  write_text(t / "d/a.jsonl",
             R"({"image_url": "https://example.org/bucket/images/a.jpg", "label": [{"label": "x", "topX": 0, "topY": 0, "bottomX": 0.5, "bottomY": 0.5}]})" "\n");
  std::string out;
  EXPECT_EQ(run_autodet("data validate " + (t / "d/a.jsonl"), &out), 1);
  EXPECT_NE(out.find("a.jsonl:1"), std::string::npos) << out;
  EXPECT_NE(out.find("--image-root"), std::string::npos) << out;
  EXPECT_EQ(run_autodet("data validate " + (t / "d/a.jsonl") + " --image-root " + (t / "local"), &out), 0) << out;
  EXPECT_EQ(run_autodet("data validate " + (t / "d/a.jsonl") + " --image-root https://example.org/bucket=" + (t / "local"), &out), 0)
      << out;
}
