#include <fstream>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>

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

// WebP (lossy VP8, lossless VP8L) and TIFF (its directory after the pixels, where libtiff writes
// it) are sized from their headers alone.
TEST(ImageIo, ProbesWebpAndTiffFromTheirHeaders) {
  TempDir t;
  cv::Mat img(21, 37, CV_8UC3, cv::Scalar(10, 200, 30));
  ASSERT_TRUE(cv::imwrite(t / "lossy.webp", img, {cv::IMWRITE_WEBP_QUALITY, 80}));
  ASSERT_TRUE(cv::imwrite(t / "lossless.webp", img, {cv::IMWRITE_WEBP_QUALITY, 101}));
  ASSERT_TRUE(cv::imwrite(t / "a.tiff", img));
  EXPECT_EQ(read_text(t / "lossy.webp").substr(12, 4), "VP8 ");
  EXPECT_EQ(read_text(t / "lossless.webp").substr(12, 4), "VP8L");
  for (const char* name : {"lossy.webp", "lossless.webp", "a.tiff"}) {
    const ImageInfo info = probe_image(t / name);
    EXPECT_EQ(info.width, 37) << name;
    EXPECT_EQ(info.height, 21) << name;
    EXPECT_EQ(decode_image(t / name).cols, 37) << name;
  }
  EXPECT_EQ(probe_image(t / "a.tiff").format, "tif");
  // Noise does not compress: the directory lies past the first 256 KiB that are read.
  cv::Mat noise(700, 600, CV_8UC3);
  cv::randu(noise, cv::Scalar::all(0), cv::Scalar::all(255));
  ASSERT_TRUE(cv::imwrite(t / "big.tiff", noise));
  const std::string big = read_text(t / "big.tiff");
  ASSERT_GT(big.size(), 256u * 1024);
  const std::uint32_t ifd = std::uint8_t(big[4]) | std::uint8_t(big[5]) << 8 | std::uint8_t(big[6]) << 16 | std::uint32_t(std::uint8_t(big[7])) << 24;
  EXPECT_GT(ifd, 256u * 1024);
  EXPECT_EQ(probe_image(t / "big.tiff").width, 600);
  EXPECT_EQ(probe_image(t / "big.tiff").height, 700);
  // A TIFF cut before its directory is an error, not a guess.
  const std::string tiff = read_text(t / "a.tiff");
  write_text(t / "cut.tiff", tiff.substr(0, 16));
  EXPECT_THROW(probe_image(t / "cut.tiff"), DataError);
  EXPECT_THROW(probe_image_bytes(reinterpret_cast<const unsigned char*>(tiff.data()), 16, "mem"), DataError);
}

TEST(ImageIo, WebpAndTiffBombsRejectedBeforeDecode) {
  TempDir t;
  // VP8X canvas of 16384 x 16384, nothing after it.
  std::string webp("RIFF\x00\x00\x00\x00WEBPVP8X\x0a\x00\x00\x00\x00\x00\x00\x00", 24);
  webp += std::string("\xff\x3f\x00\xff\x3f\x00", 6);
  write_text(t / "bomb.webp", webp);
  EXPECT_EQ(probe_image(t / "bomb.webp").width, 16384);
  // A little-endian TIFF whose only directory says 100000 x 100000 (LONG values).
  std::string tiff("II\x2a\x00\x08\x00\x00\x00\x02\x00", 10);
  tiff += std::string("\x00\x01\x04\x00\x01\x00\x00\x00\xa0\x86\x01\x00", 12);
  tiff += std::string("\x01\x01\x04\x00\x01\x00\x00\x00\xa0\x86\x01\x00", 12);
  write_text(t / "bomb.tiff", tiff);
  EXPECT_EQ(probe_image(t / "bomb.tiff").height, 100000);
  for (const char* name : {"bomb.webp", "bomb.tiff"}) {
    try {
      decode_image(t / name, 1'000'000);
      FAIL() << name << " decoded";
    } catch (const DataError& e) {
      EXPECT_NE(std::string(e.what()).find("over the limit"), std::string::npos) << e.what();
    }
  }
}
