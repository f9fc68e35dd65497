#include <fstream>

#include <gtest/gtest.h>

#include "core/error.h"
#include "core/image_io.h"
#include "test_util.h"

using namespace autodet;
using namespace autodet::testing;

TEST(ImageIo, ProbesJpegPngBmpWithoutDecoding) {
  TempDir t;
  for (const char* ext : {"jpg", "png", "bmp"}) {
    std::string p = t / (std::string("a.") + ext);
    make_image(p, 37, 21);
    ImageInfo info = probe_image(p);
    EXPECT_EQ(info.width, 37) << ext;
    EXPECT_EQ(info.height, 21) << ext;
    EXPECT_EQ(info.format, ext);
    cv::Mat m = decode_image(p);
    EXPECT_EQ(m.cols, 37);
    EXPECT_EQ(m.rows, 21);
  }
}

TEST(ImageIo, FormatComesFromBytesNotName) {
  TempDir t;
  make_image(t / "x.png", 10, 12);
  std::rename((t / "x.png").c_str(), (t / "x.jpg").c_str());
  EXPECT_EQ(probe_image(t / "x.jpg").format, "png");
}

TEST(ImageIo, MissingFileNamesThePath) {
  try {
    probe_image("/nonexistent/dir/img.jpg");
    FAIL() << "no error";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/dir/img.jpg"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("does not exist"), std::string::npos);
  }
}

TEST(ImageIo, RejectsTextAndEmptyFiles) {
  TempDir t;
  write_text(t / "a.jpg", "hello, not an image");
  write_text(t / "b.jpg", "");
  EXPECT_THROW(probe_image(t / "a.jpg"), DataError);
  EXPECT_THROW(probe_image(t / "b.jpg"), DataError);
  EXPECT_THROW(decode_image(t / "a.jpg"), DataError);
}

TEST(ImageIo, TruncatedJpegIsAnError) {
  TempDir t;
  make_image(t / "full.jpg", 64, 64);
  std::string bytes = read_text(t / "full.jpg");
  write_text(t / "cut.jpg", bytes.substr(0, bytes.size() / 2));
  EXPECT_NO_THROW(probe_image(t / "cut.jpg"));  // the header is intact
  try {
    decode_image(t / "cut.jpg");
    FAIL() << "truncated JPEG decoded";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("truncated"), std::string::npos) << e.what();
  }
}

TEST(ImageIo, DecompressionBombRejectedBeforeDecode) {
  TempDir t;
  // A valid PNG signature and IHDR claiming 100000 x 100000 pixels, with no pixel data.
  std::string png("\x89PNG\r\n\x1a\n", 8);
  png += std::string("\x00\x00\x00\x0dIHDR", 8);
  png += std::string("\x00\x01\x86\xa0\x00\x01\x86\xa0\x08\x02\x00\x00\x00", 13);
  png += std::string("\x00\x00\x00\x00", 4);
  write_text(t / "bomb.png", png);
  ImageInfo info = probe_image(t / "bomb.png");
  EXPECT_EQ(info.width, 100000);
  try {
    decode_image(t / "bomb.png", 1'000'000);
    FAIL() << "bomb decoded";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("over the limit"), std::string::npos) << e.what();
  }
}

TEST(ImageIo, CorruptJpegMarkers) {
  const unsigned char bad[] = {0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x01, 0x00};
  EXPECT_THROW(probe_image_bytes(bad, sizeof bad, "mem"), DataError);
  const unsigned char cut[] = {0xFF, 0xD8, 0xFF};
  EXPECT_THROW(probe_image_bytes(cut, sizeof cut, "mem"), DataError);
}
