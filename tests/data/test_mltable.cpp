#include <gtest/gtest.h>

#include "core/error.h"
#include "data/formats/mltable.h"
#include "test_util.h"

using namespace autodet;
using namespace autodet::testing;

namespace {
const char* kLine = R"({"image_url": "images/a.jpg", "label": [{"label": "dog", "topX": 0.25, "topY": 0.5, "bottomX": 0.75, "bottomY": 1}]})";
}

TEST(MLTable, ReadsAzureSampleFile) {
  TempDir t;
  make_image(t / "images/a.jpg", 40, 20);
  write_text(t / "train_annotations.jsonl", std::string(kLine) + "\n");
  write_text(t / "MLTable", mltable_yaml("train_annotations.jsonl"));
  Diagnostics d;
  Dataset ds = read_mltable(t.path(), {}, d);
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(ds.images.size(), 1u);
  EXPECT_DOUBLE_EQ(ds.images[0].boxes[0].x0, 10.0);
  EXPECT_DOUBLE_EQ(ds.images[0].boxes[0].y1, 20.0);
  // The MLTable file itself works too.
  Diagnostics d2;
  EXPECT_EQ(read_mltable(t / "MLTable", {}, d2).images.size(), 1u);
}

TEST(MLTable, FolderAndPatternPathsAndDrop) {
  TempDir t;
  make_image(t / "images/a.jpg", 40, 20);
  make_image(t / "images/b.jpg", 40, 20);
  write_text(t / "parts/p1.jsonl", std::string(kLine) + "\n{broken\n");
  write_text(t / "parts/p2.jsonl", R"({"image_url": "images/b.jpg", "label": []})" "\n");
  write_text(t / "MLTable",
             "$schema: https://azuremlschemas.azureedge.net/latest/MLTable.schema.json\n"
             "type: mltable\npaths:\n  - pattern: ./parts/*.jsonl\n"
             "transformations:\n  - read_json_lines:\n      encoding: utf8\n      invalid_lines: drop\n");
  Diagnostics d;
  Dataset ds = read_mltable(t.path(), {}, d);
  EXPECT_TRUE(d.ok());
  EXPECT_EQ(d.count("invalid_line"), 1u);
  EXPECT_EQ(ds.images.size(), 2u);

  write_text(t / "MLTable", "paths:\n  - folder: ./parts\ntransformations:\n  - read_json_lines:\n      invalid_lines: error\n");
  Diagnostics d2;
  read_mltable(t.path(), {}, d2);
  EXPECT_EQ(d2.errors(), 1u);
  EXPECT_EQ(d2.items()[0].where.line, 2);
}

TEST(MLTable, UnsupportedTransformationIsClear) {
  TempDir t;
  write_text(t / "a.jsonl", "");
  write_text(t / "MLTable", "paths:\n  - file: ./a.jsonl\ntransformations:\n  - read_json_lines: {}\n  - take: 10\n");
  try {
    Diagnostics d;
    read_mltable(t.path(), {}, d);
    FAIL() << "take accepted";
  } catch (const NotSupportedError& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("'take' is not supported"), std::string::npos) << m;
    EXPECT_NE(m.find(":5"), std::string::npos) << m;  // line of the transformation
  }
}

TEST(MLTable, BadFilesAreErrors) {
  TempDir t;
  Diagnostics d;
  write_text(t / "MLTable", "paths:\n  - file: ./missing.jsonl\ntransformations:\n  - read_json_lines: {}\n");
  EXPECT_THROW(read_mltable(t.path(), {}, d), DataError);
  write_text(t / "MLTable", "paths: [\n");
  EXPECT_THROW(read_mltable(t.path(), {}, d), DataError);
  write_text(t / "MLTable", "paths:\n  - file: azureml://datastores/x/paths/a.jsonl\ntransformations:\n  - read_json_lines: {}\n");
  EXPECT_THROW(read_mltable(t.path(), {}, d), NotSupportedError);
  write_text(t / "MLTable", "paths:\n  - file: [1, 2]\ntransformations:\n  - read_json_lines: {}\n");
  EXPECT_THROW(read_mltable(t.path(), {}, d), DataError);
  write_text(t / "a.jsonl", "");
  write_text(t / "MLTable", "paths:\n  - file: ./a.jsonl\n");
  EXPECT_THROW(read_mltable(t.path(), {}, d), NotSupportedError);
  write_text(t / "MLTable",
             "paths:\n  - file: ./a.jsonl\ntransformations:\n  - read_json_lines:\n      encoding: utf16\n");
  EXPECT_THROW(read_mltable(t.path(), {}, d), NotSupportedError);
  write_text(t / "MLTable",
             "paths:\n  - file: ./a.jsonl\ntransformations:\n  - read_json_lines: {}\n  - convert_column_types:\n"
             "      - columns: label\n        column_type: int\n");
  EXPECT_THROW(read_mltable(t.path(), {}, d), NotSupportedError);
}

TEST(MLTable, Latin1Encoding) {
  TempDir t;
  make_image(t / "images/a.jpg", 40, 20);
  std::string line = std::string(kLine);
  line.replace(line.find("dog"), 3, "caf\xE9");  // "café" in Latin-1
  write_text(t / "a.jsonl", line + "\n");
  write_text(t / "MLTable", "paths:\n  - file: ./a.jsonl\ntransformations:\n  - read_json_lines:\n      encoding: latin1\n");
  Diagnostics d;
  Dataset ds = read_mltable(t.path(), {}, d);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(ds.images[0].boxes[0].label, "caf\xC3\xA9");
}

TEST(MLTable, WriterProducesReadableFolder) {
  TempDir t;
  make_image(t / "src/a.jpg", 40, 20);
  Dataset ds;
  ImageRecord r;
  r.path = t / "src/a.jpg";
  r.url = "a.jpg";
  r.width = 40;
  r.height = 20;
  r.format = "jpg";
  r.boxes.push_back(Box{1, 2, 30, 19, "x", false});
  ds.images.push_back(r);
  write_mltable_folder(ds, t / "out", "train_annotations.jsonl", WriteOptions{true});
  EXPECT_EQ(read_text(t / "out/MLTable"), mltable_yaml("train_annotations.jsonl"));
  EXPECT_NE(read_text(t / "out/train_annotations.jsonl").find("\"image_url\":\"images/a.jpg\""), std::string::npos);
  Diagnostics d;
  Dataset back = read_mltable(t / "out", {}, d);
  ASSERT_TRUE(d.ok());
  EXPECT_NEAR(back.images[0].boxes[0].x1, 30.0, 1e-9);
}
