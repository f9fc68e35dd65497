// read_pth against torch.load itself: the shared real checkpoints and files that
// tests/models/pth_reader_peer.py writes with the system Python's torch (skipped without it).
#include <sys/wait.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "core/error.h"
#include "models/weights/pth_file.h"
#include "test_util.h"

namespace autodet::testing {
namespace {

using models::NamedTensors;
using models::PthReadOptions;
using models::read_pth;

const char* const kPython = "/usr/bin/python3";

std::string read_binary(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void write_binary(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Runs the peer script with `args`; 0 on success, 1 when it cannot run (no Python or torch), 2 when it failed.
int run_peer(const std::string& args, const TempDir& dir, std::string& why) {
  if (!std::filesystem::exists(kPython)) {
    why = std::string(kPython) + " is absent";
    return 1;
  }
  const std::string script = std::string(AUTODET_SOURCE_DIR) + "/tests/models/pth_reader_peer.py";
  const std::string cmd = std::string(kPython) + " " + script + " " + args + " 2>" + (dir / "peer_err.txt");
  const int rc = std::system(cmd.c_str());
  if (rc == 0) return 0;
  const bool unavailable = WIFEXITED(rc) && WEXITSTATUS(rc) == 3;
  why = (unavailable ? "" : "pth reader peer failed: ") + read_text(dir / "peer_err.txt");
  return unavailable ? 1 : 2;
}

// Runs the peer, skipping the test when torch is unavailable and failing it when the script breaks.
#define AUTODET_PTH_PEER(args, dir)                                           \
  {                                                                           \
    std::string why_;                                                         \
    const int rc_ = run_peer(args, dir, why_);                                \
    if (rc_ == 1) {                                                           \
      std::printf("skipping comparison with torch.load: %s\n", why_.c_str()); \
      GTEST_SKIP() << why_;                                                   \
    }                                                                         \
    ASSERT_EQ(rc_, 0) << why_;                                                \
  }

std::string python_dtype(const torch::Tensor& t) {
  switch (t.scalar_type()) {
    case torch::kFloat32: return "float32";
    case torch::kFloat16: return "float16";
    case torch::kBFloat16: return "bfloat16";
    case torch::kFloat64: return "float64";
    case torch::kInt64: return "int64";
    case torch::kInt32: return "int32";
    case torch::kInt16: return "int16";
    case torch::kUInt8: return "uint8";
    case torch::kInt8: return "int8";
    case torch::kBool: return "bool";
    default: return "other";
  }
}

// Every tensor of `pth` has the name (in order), dtype, shape and bytes torch.load gave in prefix.{json,bin}.
void expect_matches_torch(const std::string& pth, const std::string& prefix, const PthReadOptions& options = {}) {
  const NamedTensors got = read_pth(pth, options);
  const auto want = nlohmann::json::parse(read_text(prefix + ".json"));
  const std::string bytes = read_binary(prefix + ".bin");
  ASSERT_EQ(got.items.size(), want.size()) << pth;
  for (std::size_t i = 0; i < want.size(); ++i) {
    const auto& [name, tensor] = got.items[i];
    const auto& w = want[i];
    ASSERT_EQ(name, w["name"].get<std::string>()) << pth << " tensor " << i;
    EXPECT_EQ(python_dtype(tensor), w["dtype"].get<std::string>()) << pth << " " << name;
    EXPECT_EQ(tensor.sizes().vec(), w["shape"].get<std::vector<std::int64_t>>()) << pth << " " << name;
    const auto c = tensor.contiguous();
    const auto nbytes = static_cast<std::size_t>(c.numel()) * c.element_size();
    ASSERT_EQ(nbytes, w["nbytes"].get<std::size_t>()) << pth << " " << name;
    EXPECT_TRUE(nbytes == 0 || std::memcmp(c.data_ptr(), bytes.data() + w["offset"].get<std::size_t>(), nbytes) == 0)
        << pth << " " << name << ": values differ from torch.load";
    ASSERT_NE(got.find(name), nullptr);
  }
}

// The shared weight file `rel` under ../shared/weights, or "" (and a printed reason) when absent.
std::string shared_weight(const std::string& rel) {
  const std::string path = std::string(AUTODET_SOURCE_DIR) + "/../shared/weights/" + rel;
  if (std::filesystem::exists(path)) return path;
  std::printf("skipping: %s is absent\n", path.c_str());
  return "";
}

// Expects reading `path` to throw a DataError whose message contains every one of `parts`.
void expect_data_error(const std::string& path, const std::vector<std::string>& parts, const PthReadOptions& options = {}) {
  try {
    read_pth(path, options);
    ADD_FAILURE() << path << " was read without an error";
  } catch (const DataError& e) {
    for (const auto& p : parts) EXPECT_NE(std::string(e.what()).find(p), std::string::npos) << e.what() << " lacks " << p;
  }
}

// Files written once per test by the peer into a temporary folder.
class PthReaderWritten : public ::testing::Test {
 protected:
  void SetUp() override { AUTODET_PTH_PEER("write " + dir_.path(), dir_); }
  void expect_case(const std::string& name, const PthReadOptions& options = {}) {
    SCOPED_TRACE(name);
    expect_matches_torch(dir_ / (name + ".pth"), dir_ / name, options);
  }
  TempDir dir_;
};

TEST(PthReader, SharedFastestDetStateDictsMatchTorch) {
  for (const std::string rel : {"fastestdet/shufflenetv2_imagenet.pth", "fastestdet/fastestdet_coco_ap50_0.253.pth"}) {
    const std::string path = shared_weight(rel);
    if (path.empty()) GTEST_SKIP() << rel << " is absent";
    TempDir dir;
    AUTODET_PTH_PEER("dump " + path + " " + (dir / "want"), dir);
    expect_matches_torch(path, dir / "want");
  }
}

TEST(PthReader, SharedYolov5ModuleTreeMatchesTorch) {
  const std::string path = shared_weight("yolov5/yolov5n_coco_v6.1.pt");
  if (path.empty()) GTEST_SKIP() << "the YOLOv5 checkpoint is absent";
  TempDir dir;
  AUTODET_PTH_PEER("dump " + path + " " + (dir / "want"), dir);
  expect_matches_torch(path, dir / "want");
  const auto got = read_pth(path);
  ASSERT_NE(got.find("model.0.conv.weight"), nullptr);
  EXPECT_EQ(got.find("model.0.conv.weight")->scalar_type(), torch::kFloat16);
  EXPECT_NE(got.find("model.24.anchors"), nullptr);
}

TEST_F(PthReaderWritten, ZipDtypesAndViewsMatchTorch) { expect_case("zip_dtypes"); }
TEST_F(PthReaderWritten, LegacyDtypesAndViewsMatchTorch) { expect_case("legacy_dtypes"); }
TEST_F(PthReaderWritten, NestedCheckpointsMatchTorch) {
  expect_case("checkpoint");
  expect_case("legacy_checkpoint");
  PthReadOptions model;
  model.entry = "model";
  expect_case("checkpoint", model);
}
TEST_F(PthReaderWritten, PickledModulesMatchTheirStateDict) {
  expect_case("module");
  expect_case("legacy_module");
}
TEST_F(PthReaderWritten, CudaTaggedStoragesLoadToCpu) {
  ASSERT_NE(read_text(dir_ / "zip_cuda.pth").find("cuda:0"), std::string::npos);
  expect_case("zip_cuda");
  expect_case("legacy_cuda");
}

TEST_F(PthReaderWritten, ViewsKeepStridesAndShareTheirStorage) {
  for (const std::string name : {"zip_dtypes", "legacy_dtypes"}) {
    const auto t = read_pth(dir_ / (name + ".pth"));
    const auto& base = *t.find("base");
    const auto& transposed = *t.find("transposed");
    EXPECT_EQ(transposed.strides().vec(), (std::vector<std::int64_t>{1, 6}));
    EXPECT_EQ(transposed.data_ptr(), base.data_ptr());
    EXPECT_TRUE(torch::equal(transposed, base.t()));
    EXPECT_TRUE(torch::equal(*t.find("slice"), base.slice(0, 1).slice(1, 2, 5)));
    EXPECT_EQ(t.find("slice")->storage_offset(), 8);
    EXPECT_TRUE(torch::equal(*t.find("flat_part"), base.view(-1).slice(0, 3, 9)));
  }
}

TEST_F(PthReaderWritten, EntriesThatHoldNoTensorsAreErrors) {
  PthReadOptions o;
  o.entry = "nope";
  expect_data_error(dir_ / "checkpoint.pth", {"checkpoint.pth", "nope", "epoch, optimizer"}, o);
  o.entry = "optimizer";
  expect_data_error(dir_ / "checkpoint.pth", {"checkpoint.pth", "param_groups", "a list"}, o);
  expect_data_error(dir_ / "unknown_class.pth", {"unknown_class.pth", "'model'", "__main__.Unknown"});
}

TEST_F(PthReaderWritten, CompressedEntriesAreRefused) {
  expect_data_error(dir_ / "compressed.pth", {"compressed.pth", "data.pkl", "compressed"});
}

TEST_F(PthReaderWritten, AbsurdSizesAreErrors) {
  EXPECT_EQ(read_pth(dir_ / "handmade_ok.pth").find("w")->strides().vec(), (std::vector<std::int64_t>{1, 2}));
  expect_data_error(dir_ / "absurd_numel.pth", {"absurd_numel.pth", "data.pkl", "1152921504606846976 elements"});
  expect_data_error(dir_ / "absurd_view.pth", {"absurd_view.pth", "tensor view reaches element 2999"});
  expect_data_error(dir_ / "short_storage.pth", {"short_storage.pth", "storage '0'", "w", "holds 16 bytes"});
  expect_data_error(dir_ / "negative_size.pth", {"negative_size.pth", "negative size"});
}

TEST_F(PthReaderWritten, EveryTruncationIsAnError) {
  for (const std::string name : {"small.pth", "legacy_small.pth"}) {
    const std::string whole = read_binary(dir_ / name);
    const std::string cut = dir_ / ("cut_" + name);
    for (std::size_t n = 0; n < whole.size(); ++n) {
      write_binary(cut, whole.substr(0, n));
      SCOPED_TRACE(name + " cut to " + std::to_string(n) + " bytes");
      expect_data_error(cut, {cut});
    }
  }
}

TEST_F(PthReaderWritten, CorruptBytesReadOrFailCleanly) {
  for (const std::string name : {"small.pth", "legacy_small.pth"}) {
    const std::string whole = read_binary(dir_ / name);
    const std::string bad = dir_ / ("bad_" + name);
    int errors = 0;
    for (std::size_t i = 0; i < whole.size(); ++i) {
      std::string b = whole;
      b[i] = static_cast<char>(b[i] ^ 0x5a);
      write_binary(bad, b);
      try {
        read_pth(bad);
      } catch (const DataError& e) {
        ++errors;
        EXPECT_NE(std::string(e.what()).find(bad), std::string::npos) << e.what();
      }
    }
    EXPECT_GT(errors, 0) << name;
  }
}

TEST(PthReader, MissingFileIsAnError) {
  expect_data_error("/nonexistent-autodet/weights.pth", {"/nonexistent-autodet/weights.pth", "cannot open"});
}

}  // namespace
}  // namespace autodet::testing
