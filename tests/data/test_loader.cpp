// DetectionLoader: deterministic batches for any number of workers, target rows, multi-scale,
// validation letterbox mapping, crowd boxes, images that break mid-run, shutdown mid-epoch, cache.
#include "data/loader/detection_loader.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <future>
#include <set>

#include <gtest/gtest.h>

#include "core/error.h"
#include "core/fs.h"
#include "core/image_io.h"
#include "data/augment/letterbox.h"
#include "data/synth.h"
#include "test_util.h"

namespace autodet {
namespace {

using testing::TempDir;

// 23 synthetic 128x96 images, written once for the whole suite.
class Loader : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    SynthOptions o;
    o.images = 23;
    o.width = 128;
    o.height = 96;
    o.seed = 3;
    dataset_ = new Dataset(generate_synthetic(o, dir_->path()));
  }
  static void TearDownTestSuite() {
    delete dataset_;
    delete dir_;
  }
  static const Dataset& dataset() { return *dataset_; }
  static std::vector<std::string> classes() { return dataset_->classes(); }

  static LoaderOptions train_options() {
    LoaderOptions o;
    o.image_size = 64;
    o.batch_size = 5;
    o.train = true;
    o.shuffle = true;
    o.workers = 2;
    o.seed = 42;
    return o;
  }
  static LoaderOptions val_options() {
    LoaderOptions o = train_options();
    o.train = false;
    o.shuffle = false;
    return o;
  }

  static std::vector<Batch> epoch(DetectionLoader& loader, int e) {
    loader.start_epoch(e);
    std::vector<Batch> out;
    while (auto b = loader.next()) out.push_back(std::move(*b));
    return out;
  }

  static TempDir* dir_;
  static Dataset* dataset_;
};
TempDir* Loader::dir_ = nullptr;
Dataset* Loader::dataset_ = nullptr;

bool same_batch(const Batch& a, const Batch& b) {
  if (a.size != b.size || a.height != b.height || a.width != b.width) return false;
  if (a.images != b.images || a.targets != b.targets || a.indices != b.indices) return false;
  if (a.letterbox.size() != b.letterbox.size()) return false;
  for (std::size_t i = 0; i < a.letterbox.size(); ++i) {
    const LetterboxInfo &x = a.letterbox[i], &y = b.letterbox[i];
    if (x.orig_width != y.orig_width || x.orig_height != y.orig_height || x.scale_x != y.scale_x ||
        x.scale_y != y.scale_y || x.pad_x != y.pad_x || x.pad_y != y.pad_y)
      return false;
  }
  return true;
}

void expect_same_epochs(const std::vector<Batch>& a, const std::vector<Batch>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(same_batch(a[i], b[i])) << "batch " << i << " differs";
}

TEST_F(Loader, SameSeedGivesByteIdenticalBatchesWithOneOrThreeWorkers) {
  LoaderOptions one = train_options();
  one.multi_scale = true;
  one.workers = 1;
  one.cache_bytes = 0;  // and with or without the cache
  LoaderOptions three = one;
  three.workers = 3;
  three.prefetch_batches = 2;
  three.cache_bytes = std::int64_t(1) << 30;
  DetectionLoader a(dataset(), classes(), one), b(dataset(), classes(), three);
  EXPECT_EQ(b.workers(), 3);
  for (int e = 0; e < 3; ++e) expect_same_epochs(epoch(a, e), epoch(b, e));
}

TEST_F(Loader, EpochsAndSeedsChangeTheBatches) {
  LoaderOptions o = train_options();
  DetectionLoader a(dataset(), classes(), o);
  o.seed = 43;
  DetectionLoader b(dataset(), classes(), o);
  const auto a0 = epoch(a, 0), a1 = epoch(a, 1), b0 = epoch(b, 0);
  EXPECT_FALSE(same_batch(a0[0], a1[0]));
  EXPECT_FALSE(same_batch(a0[0], b0[0]));
  expect_same_epochs(epoch(a, 0), a0);  // replaying an epoch gives it again
}

TEST_F(Loader, EveryImageOncePerEpochAndBatchCounts) {
  LoaderOptions o = train_options();
  DetectionLoader loader(dataset(), classes(), o);
  EXPECT_EQ(loader.batches_per_epoch(), 5u);  // 23 images in batches of 5: 4 full + 3
  const auto batches = epoch(loader, 0);
  ASSERT_EQ(batches.size(), 5u);
  EXPECT_EQ(batches.back().size, 3);
  std::multiset<std::size_t> seen;
  for (const Batch& b : batches) seen.insert(b.indices.begin(), b.indices.end());
  EXPECT_EQ(seen.size(), 23u);
  EXPECT_EQ(std::set<std::size_t>(seen.begin(), seen.end()).size(), 23u);

  o.drop_last = true;
  DetectionLoader dropping(dataset(), classes(), o);
  EXPECT_EQ(dropping.batches_per_epoch(), 4u);
  const auto kept = epoch(dropping, 0);
  ASSERT_EQ(kept.size(), 4u);
  for (const Batch& b : kept) EXPECT_EQ(b.size, 5);
}

TEST_F(Loader, TargetsAreNormalizedRowsOfSix) {
  for (bool mosaic : {true, false}) {
    LoaderOptions o = train_options();
    o.mosaic = mosaic;
    DetectionLoader loader(dataset(), classes(), o);
    std::size_t rows = 0;
    for (const Batch& b : epoch(loader, 0)) {
      ASSERT_EQ(b.targets.size() % 6, 0u);
      ASSERT_EQ(b.images.size(), std::size_t(b.size) * 3 * b.height * b.width);
      ASSERT_EQ(b.indices.size(), std::size_t(b.size));
      ASSERT_EQ(b.letterbox.size(), std::size_t(b.size));
      float last_index = 0;
      for (std::size_t r = 0; r < b.target_rows(); ++r) {
        const float* t = &b.targets[6 * r];
        EXPECT_GE(t[0], last_index);  // grouped by image, in batch order
        last_index = t[0];
        EXPECT_LT(t[0], b.size);
        EXPECT_EQ(t[0], float(int(t[0])));
        EXPECT_GE(t[1], 0);
        EXPECT_LT(t[1], float(classes().size()));
        EXPECT_GT(t[4], 0);
        EXPECT_GT(t[5], 0);
        EXPECT_GE(t[2] - t[4] / 2, -1e-5);
        EXPECT_LE(t[2] + t[4] / 2, 1 + 1e-5);
        EXPECT_GE(t[3] - t[5] / 2, -1e-5);
        EXPECT_LE(t[3] + t[5] / 2, 1 + 1e-5);
      }
      rows += b.target_rows();
    }
    EXPECT_GT(rows, 23u) << "mosaic " << mosaic;
  }
}

TEST_F(Loader, MultiScaleSizesAreMultiplesOf32SharedPerBatch) {
  LoaderOptions o = train_options();
  o.image_size = 96;  // sizes in [48, 144] that are multiples of 32: 64, 96, 128
  o.batch_size = 2;
  o.multi_scale = true;
  DetectionLoader loader(dataset(), classes(), o);
  std::set<int> sizes;
  for (int e = 0; e < 3; ++e)
    for (const Batch& b : epoch(loader, e)) {
      EXPECT_EQ(b.height, b.width);
      EXPECT_EQ(b.height % 32, 0);
      EXPECT_GE(b.height, 64);
      EXPECT_LE(b.height, 128);
      EXPECT_EQ(b.images.size(), std::size_t(b.size) * 3 * b.height * b.width);
      sizes.insert(b.height);
    }
  EXPECT_EQ(sizes, (std::set<int>{64, 96, 128}));

  o.multi_scale = false;
  DetectionLoader fixed(dataset(), classes(), o);
  for (const Batch& b : epoch(fixed, 0)) EXPECT_EQ(b.height, 96);
}

// The dataset's non-crowd boxes of an image, clipped to it, in the loader's terms.
LabeledBoxes truth(const ImageRecord& rec, const std::vector<std::string>& classes) {
  LabeledBoxes out;
  for (const Box& b : rec.boxes) {
    if (b.crowd) continue;
    const int cls = int(std::find(classes.begin(), classes.end(), b.label) - classes.begin());
    out.push_back(LabeledBox{std::clamp(b.x0, 0.0, double(rec.width)), std::clamp(b.y0, 0.0, double(rec.height)),
                             std::clamp(b.x1, 0.0, double(rec.width)), std::clamp(b.y1, 0.0, double(rec.height)), cls});
  }
  return out;
}

// Target rows of image `pos` mapped back to the original image through its letterbox info.
LabeledBoxes mapped_back(const Batch& b, int pos) {
  LabeledBoxes out;
  for (std::size_t r = 0; r < b.target_rows(); ++r) {
    const float* t = &b.targets[6 * r];
    if (int(t[0]) != pos) continue;
    const LabeledBox lb{(t[2] - t[4] / 2.0) * b.width, (t[3] - t[5] / 2.0) * b.height, (t[2] + t[4] / 2.0) * b.width,
                        (t[3] + t[5] / 2.0) * b.height, int(t[1])};
    out.push_back(b.letterbox[pos].to_original(lb));
  }
  return out;
}

TEST_F(Loader, ValidationLetterboxMapsBackToTheOriginal) {
  DetectionLoader loader(dataset(), classes(), val_options());
  std::size_t expected_index = 0;
  for (const Batch& b : epoch(loader, 0)) {
    ASSERT_EQ(b.height, 64);
    for (int pos = 0; pos < b.size; ++pos, ++expected_index) {
      ASSERT_EQ(b.indices[pos], expected_index);  // no shuffle: dataset order
      const ImageRecord& rec = dataset().images[expected_index];
      const LetterboxInfo& info = b.letterbox[pos];
      EXPECT_EQ(info.orig_width, 128);
      EXPECT_EQ(info.orig_height, 96);
      EXPECT_DOUBLE_EQ(info.scale_x, 0.5);
      EXPECT_EQ(info.pad_x, 0);
      EXPECT_EQ(info.pad_y, 8);  // 128x96 -> 64x48 centred in 64x64
      const LabeledBoxes want = truth(rec, classes()), got = mapped_back(b, pos);
      ASSERT_EQ(got.size(), want.size()) << rec.path;
      for (std::size_t k = 0; k < want.size(); ++k) {
        EXPECT_NEAR(got[k].x0, want[k].x0, 1e-3);
        EXPECT_NEAR(got[k].y0, want[k].y0, 1e-3);
        EXPECT_NEAR(got[k].x1, want[k].x1, 1e-3);
        EXPECT_NEAR(got[k].y1, want[k].y1, 1e-3);
        EXPECT_EQ(got[k].cls, want[k].cls);
      }
      // Pixels: the letterbox of the decoded file, as planar RGB.
      const cv::Mat lb = letterbox(decode_image(rec.path), 64, nullptr);
      const std::uint8_t* img = b.images.data() + std::size_t(pos) * 3 * 64 * 64;
      for (int y : {0, 7, 8, 30, 55, 56, 63})
        for (int x : {0, 31, 63}) {
          const cv::Vec3b bgr = lb.at<cv::Vec3b>(y, x);
          EXPECT_EQ(img[0 * 4096 + y * 64 + x], bgr[2]);
          EXPECT_EQ(img[1 * 4096 + y * 64 + x], bgr[1]);
          EXPECT_EQ(img[2 * 4096 + y * 64 + x], bgr[0]);
          if (y < 8 || y >= 56) {
            EXPECT_EQ(bgr, cv::Vec3b(114, 114, 114));
          }
        }
    }
  }
  EXPECT_EQ(expected_index, dataset().images.size());
}

TEST_F(Loader, ValidationStretchKeepsTheImageOrderAndMapsBackToTheOriginal) {
  LoaderOptions o = val_options();
  o.stretch = true;
  DetectionLoader loader(dataset(), classes(), o);
  std::size_t expected_index = 0;
  for (const Batch& b : epoch(loader, 0)) {
    for (int pos = 0; pos < b.size; ++pos, ++expected_index) {
      ASSERT_EQ(b.indices[pos], expected_index);  // which image each sample is: validation scores by it
      const LetterboxInfo& info = b.letterbox[pos];
      EXPECT_DOUBLE_EQ(info.scale_x, 0.5);        // 128 -> 64
      EXPECT_DOUBLE_EQ(info.scale_y, 64.0 / 96);  // 96 -> 64, no padding
      EXPECT_EQ(info.pad_y, 0);
      const ImageRecord& rec = dataset().images[expected_index];
      const LabeledBoxes want = truth(rec, classes()), got = mapped_back(b, pos);
      ASSERT_EQ(got.size(), want.size()) << rec.path;
      for (std::size_t k = 0; k < want.size(); ++k) {
        EXPECT_NEAR(got[k].x0, want[k].x0, 1e-3);
        EXPECT_NEAR(got[k].y1, want[k].y1, 1e-3);
      }
    }
  }
  EXPECT_EQ(expected_index, dataset().images.size());
}

TEST_F(Loader, TrainWithoutMosaicOrAugmentKeepsLetterboxGeometry) {
  LoaderOptions o = train_options();
  o.mosaic = false;
  o.augment = false;
  o.shuffle = false;
  DetectionLoader train(dataset(), classes(), o), val(dataset(), classes(), val_options());
  const auto t = epoch(train, 0), v = epoch(val, 0);
  ASSERT_EQ(t.size(), v.size());
  for (std::size_t i = 0; i < t.size(); ++i) {
    EXPECT_EQ(t[i].targets, v[i].targets);
    EXPECT_NE(t[i].images, v[i].images);  // HSV still changes the colours
  }
}

TEST_F(Loader, CrowdBoxesAreNotTargets) {
  Dataset ds = dataset();
  ds.images.resize(5);
  std::size_t crowd = 0;
  for (ImageRecord& rec : ds.images) rec.boxes[0].crowd = true, crowd++;
  DetectionLoader loader(ds, classes(), val_options());
  const auto batches = epoch(loader, 0);
  ASSERT_EQ(batches.size(), 1u);
  std::size_t boxes = 0;
  for (const ImageRecord& rec : ds.images) boxes += rec.boxes.size();
  EXPECT_EQ(batches[0].target_rows(), boxes - crowd);
  for (int pos = 0; pos < 5; ++pos) EXPECT_EQ(mapped_back(batches[0], pos).size(), truth(ds.images[pos], classes()).size());
}

TEST_F(Loader, ARecordWithACropIsThatPartOfItsImage) {
  Dataset ds;
  ImageRecord rec = dataset().images[0];  // 128x96
  rec.crop = ImageRecord::Crop{32, 16, 96, 80};
  rec.width = rec.height = 64;
  rec.boxes = {Box{8, 8, 40, 24, classes()[0]}};
  ds.images.push_back(rec);
  DetectionLoader loader(ds, classes(), val_options());  // 64 px: the part is not resized
  const auto batches = epoch(loader, 0);
  ASSERT_EQ(batches.size(), 1u);
  const Batch& b = batches[0];
  EXPECT_EQ(b.letterbox[0].orig_width, 64);
  EXPECT_EQ(b.letterbox[0].orig_height, 64);
  EXPECT_EQ(b.letterbox[0].pad_y, 0);
  const LabeledBoxes got = mapped_back(b, 0);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_NEAR(got[0].x0, 8, 1e-3);
  EXPECT_NEAR(got[0].x1, 40, 1e-3);
  const cv::Mat part = decode_image(rec.path)(cv::Rect(32, 16, 64, 64));
  for (int y : {0, 31, 63})
    for (int x : {0, 17, 63}) {
      const cv::Vec3b bgr = part.at<cv::Vec3b>(y, x);
      EXPECT_EQ(b.images[std::size_t(0 * 4096 + y * 64 + x)], bgr[2]);
      EXPECT_EQ(b.images[std::size_t(2 * 4096 + y * 64 + x)], bgr[0]);
    }
  // A part outside its image is an error naming the file.
  ds.images[0].crop = ImageRecord::Crop{100, 0, 140, 40};
  DetectionLoader outside(ds, classes(), val_options());
  outside.start_epoch(0);
  try {
    while (outside.next()) {
    }
    FAIL() << "no error";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find(rec.path), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("not inside"), std::string::npos) << e.what();
  }
}

// A file that breaks after the job checked it (here: overwritten once the loader exists) does
// not end the run: the next image in dataset order takes its place, the same for any number of
// workers, and the batches say which image they hold.
TEST_F(Loader, AnImageThatBreaksAfterTheCheckIsReplacedByTheNextOne) {
  TempDir t;
  Dataset ds = dataset();
  for (std::size_t i = 0; i < ds.images.size(); ++i) {  // private copies, so the suite's files stay whole
    const std::string copy = t / ("img" + std::to_string(i) + ".jpg");
    std::filesystem::copy_file(ds.images[i].path, copy);
    ds.images[i].path = copy;
  }
  DetectionLoader val(ds, classes(), val_options());
  LoaderOptions three = train_options();
  three.workers = 3;
  DetectionLoader train1(ds, classes(), train_options()), train3(ds, classes(), three);
  testing::write_text(ds.images[7].path, std::string("\xFF\xD8\xFF\xE0 not really a jpeg", 22));

  // Validation, in order: image 8 is delivered in the place of image 7.
  std::vector<std::size_t> seen;
  for (const Batch& b : epoch(val, 0)) seen.insert(seen.end(), b.indices.begin(), b.indices.end());
  ASSERT_EQ(seen.size(), ds.images.size());
  EXPECT_EQ(seen[7], 8u);
  EXPECT_EQ(std::count(seen.begin(), seen.end(), std::size_t(7)), 0);

  // Training with mosaic (any sample may pick it): every batch arrives, the same with 1 or 3 workers.
  for (int e = 0; e < 2; ++e) {
    const auto a = epoch(train1, e), b = epoch(train3, e);
    EXPECT_EQ(a.size(), train1.batches_per_epoch());
    expect_same_epochs(a, b);
    for (const Batch& batch : a) EXPECT_EQ(std::count(batch.indices.begin(), batch.indices.end(), std::size_t(7)), 0);
  }

  // When no image decodes any more, the error names a file and why.
  for (const ImageRecord& rec : ds.images) testing::write_text(rec.path, "");
  DetectionLoader none(ds, classes(), val_options());
  none.start_epoch(0);
  try {
    while (none.next()) {
    }
    FAIL() << "no error";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("no image of the dataset can be decoded any more"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("empty file"), std::string::npos) << e.what();
  }
}

TEST_F(Loader, DestructionMidEpochDoesNotHang) {
  auto run = [&](int batches_taken, bool start) {
    return std::async(std::launch::async, [=] {
      LoaderOptions o = train_options();
      o.workers = 4;
      o.batch_size = 2;
      o.prefetch_batches = 2;
      DetectionLoader loader(dataset(), classes(), o);
      if (start) loader.start_epoch(0);
      for (int i = 0; i < batches_taken; ++i) loader.next();
    });
  };
  std::vector<std::future<void>> runs;
  runs.push_back(run(0, false));
  runs.push_back(run(0, true));
  runs.push_back(run(1, true));
  runs.push_back(run(5, true));
  for (auto& f : runs) {
    ASSERT_EQ(f.wait_for(std::chrono::seconds(30)), std::future_status::ready) << "loader did not shut down";
    f.get();
  }
}

TEST_F(Loader, RestartingAnEpochMidwayGivesTheSameBatches) {
  DetectionLoader loader(dataset(), classes(), train_options());
  const auto full = epoch(loader, 2);
  loader.start_epoch(2);
  loader.next();
  loader.next();
  expect_same_epochs(epoch(loader, 2), full);
}

TEST_F(Loader, CacheServesTheSecondEpoch) {
  LoaderOptions o = val_options();
  DetectionLoader loader(dataset(), classes(), o);
  const auto first = epoch(loader, 0);
  EXPECT_EQ(loader.cache_stats().misses, 23u);
  EXPECT_EQ(loader.cache_stats().hits, 0u);
  EXPECT_EQ(loader.cache_stats().entries, 23u);
  expect_same_epochs(epoch(loader, 1), first);
  EXPECT_EQ(loader.cache_stats().hits, 23u);

  o.cache_bytes = 64 * 48 * 3 * 4 + 1000;  // about four shrunk images
  DetectionLoader small(dataset(), classes(), o);
  expect_same_epochs(epoch(small, 0), first);
  EXPECT_LE(small.cache_stats().entries, 4u);
  EXPECT_LE(small.cache_stats().bytes, o.cache_bytes);
}

TEST_F(Loader, RejectsBadInputAndMisuse) {
  LoaderOptions o = train_options();
  {
    DetectionLoader loader(dataset(), classes(), o);
    EXPECT_THROW(loader.next(), UsageError);
  }
  o.batch_size = 0;
  EXPECT_THROW(DetectionLoader(dataset(), classes(), o), UsageError);
  o = train_options();
  o.image_size = 16;
  EXPECT_THROW(DetectionLoader(dataset(), classes(), o), UsageError);

  Dataset ds = dataset();
  ds.images[3].boxes[0].label = "unicorn";
  try {
    DetectionLoader loader(ds, classes(), train_options());
    FAIL() << "no error";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("unicorn"), std::string::npos) << e.what();
  }
  ds = dataset();
  ds.images[2].path.clear();
  EXPECT_THROW(DetectionLoader(ds, classes(), train_options()), DataError);

  Dataset empty;
  DetectionLoader none(empty, classes(), train_options());
  EXPECT_EQ(none.batches_per_epoch(), 0u);
  none.start_epoch(0);
  EXPECT_FALSE(none.next().has_value());
}

}  // namespace
}  // namespace autodet
