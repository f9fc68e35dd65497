// ONNX export checked by runtimes autodet did not write: OpenCV DNN (Debian) and ONNX Runtime
// (npm's onnxruntime-node) run each exported file at batch 1 and batch 4 from one dynamic-batch
// file; the outputs must equal libtorch's within 1e-4 and, with COCO weights on real images, give
// the same detections. Debian's python3-onnx runs the full checker with strict shape inference.
#include <cstdio>
#include <filesystem>
#include <cstring>
#include <fstream>
#include <functional>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <opencv2/dnn.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <torch/torch.h>

#include "core/fs.h"
#include "deploy/predictor.h"
#include "export/onnx_export.h"
#include "package/model_package.h"
#include "package/weight_file.h"
#include "models/fastestdet/fastestdet_detector.h"
#include "models/pretrained.h"
#include "models/registry.h"
#include "test_util.h"

namespace autodet::testing {
namespace {

using models::Detector;
using models::DetectOptions;

const std::string kShared = std::string(AUTODET_SOURCE_DIR) + "/../shared";

// Gives every BatchNorm random statistics and affine parameters, so that folding them into the
// convolutions is exercised (a fresh BatchNorm is the identity).
void randomise_batchnorms(torch::nn::Module& m, std::uint64_t seed) {
  torch::NoGradGuard ng;
  auto gen = at::detail::createCPUGenerator(seed);
  for (const auto& child : m.modules(/*include_self=*/false))
    if (auto* bn = child->as<torch::nn::BatchNorm2dImpl>()) {
      const auto c = bn->running_mean.size(0);
      bn->running_mean.copy_(at::randn({c}, gen) * 0.2);
      bn->running_var.copy_(at::rand({c}, gen) * 1.5 + 0.25);
      bn->weight.copy_(at::rand({c}, gen) * 0.8 + 0.6);
      bn->bias.copy_(at::randn({c}, gen) * 0.1);
    }
}

// (B, 3, S, S) RGB in [0, 1]: real images where the shared datasets are present, else noise.
torch::Tensor inputs(int batch, int size, std::uint64_t seed) {
  const std::string folder = kShared + "/datasets/raccoon/images";
  std::vector<torch::Tensor> xs;
  for (int i = 0; i < batch; ++i) {
    cv::Mat bgr = cv::imread(folder + "/raccoon-" + std::to_string(i + 1) + ".jpg");
    if (bgr.empty()) {
      auto gen = at::detail::createCPUGenerator(seed + std::uint64_t(i));
      xs.push_back(at::rand({1, 3, size, size}, gen));
      continue;
    }
    cv::Mat rgb;
    cv::resize(bgr, rgb, cv::Size(size, size));
    cv::cvtColor(rgb, rgb, cv::COLOR_BGR2RGB);
    xs.push_back(torch::from_blob(rgb.data, {1, size, size, 3}, torch::kUInt8).permute({0, 3, 1, 2}).to(torch::kFloat).div(255.0));
  }
  return torch::cat(xs, 0).contiguous();
}

// A runtime that runs an exported file on (B, 3, S, S) and returns its "output".
using Runtime = std::function<torch::Tensor(const std::string& file, const torch::Tensor& x)>;

torch::Tensor run_opencv(const std::string& file, const torch::Tensor& x) {
  cv::dnn::Net net = cv::dnn::readNetFromONNX(file);
  net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
  const int sizes[4] = {int(x.size(0)), int(x.size(1)), int(x.size(2)), int(x.size(3))};
  cv::Mat blob(4, sizes, CV_32F, x.data_ptr<float>());
  net.setInput(blob, "input");
  cv::Mat out = net.forward("output");
  std::vector<std::int64_t> shape;
  for (int i = 0; i < out.dims; ++i) shape.push_back(out.size[i]);
  return torch::from_blob(out.ptr<float>(), shape, torch::kFloat).clone();
}

const std::string kOrtDir = std::string(AUTODET_SOURCE_DIR) + "/tests/runtimes";

// Why ONNX Runtime cannot run here ("" when it can): node and the npm package `make deps` installs.
std::string onnxruntime_missing() {
  if (std::system("node --version >/dev/null 2>&1") != 0) return "node is not installed";
  if (!std::filesystem::exists(kOrtDir + "/node_modules/onnxruntime-node"))
    return "onnxruntime-node is not installed (cd tests/runtimes && npm ci --ignore-scripts)";
  return "";
}

torch::Tensor run_onnxruntime(const std::string& file, const torch::Tensor& x) {
  const std::string base = file + ".ort";
  const auto in = x.contiguous();
  std::ofstream(base + ".in", std::ios::binary)
      .write(static_cast<const char*>(in.data_ptr()), std::streamsize(in.numel() * 4));
  const std::string cmd = fmt::format("node {}/ort_run.mjs {} {}.in {},{},{},{} {} > {}.json 2>&1", kOrtDir, file, base,
                                      x.size(0), x.size(1), x.size(2), x.size(3), base, base);
  const int rc = std::system(cmd.c_str());
  const std::string described = read_text(base + ".json");
  if (rc != 0) throw std::runtime_error("ONNX Runtime failed: " + described);
  const auto out = nlohmann::json::parse(described).at("outputs").at(0);
  const std::string bytes = read_text(out.at("file").get<std::string>());
  std::vector<std::int64_t> shape = out.at("dims").get<std::vector<std::int64_t>>();
  auto t = torch::empty(shape, torch::kFloat);
  EXPECT_EQ(std::size_t(t.numel()) * 4, bytes.size());
  std::memcpy(t.data_ptr(), bytes.data(), std::min(bytes.size(), std::size_t(t.numel()) * 4));
  return t;
}

#define AUTODET_REQUIRE_ONNXRUNTIME()                                         \
  if (const std::string why_ = onnxruntime_missing(); !why_.empty()) {         \
    std::printf("skipping the ONNX Runtime comparison: %s\n", why_.c_str()); \
    GTEST_SKIP() << why_;                                                      \
  }

// Largest |a - b| / max(1, |b|): within 1e-4 means equal to about 1e-4 in absolute terms for
// probabilities and to 1e-4 relative for pixel coordinates (hundreds of pixels).
double worst_difference(const torch::Tensor& a, const torch::Tensor& b) {
  return ((a - b).abs() / b.abs().clamp_min(1.0)).max().item<double>();
}

// Same count, and each detection of one list has one in the other with the same label, a score
// within 1e-4 and corners within 0.01 px (near-equal scores may come in either order).
void expect_same_detections(const std::vector<torch::Tensor>& ours, const std::vector<torch::Tensor>& theirs) {
  ASSERT_EQ(ours.size(), theirs.size());
  for (std::size_t i = 0; i < ours.size(); ++i) {
    ASSERT_EQ(ours[i].size(0), theirs[i].size(0)) << "image " << i;
    auto a = ours[i].accessor<float, 2>();
    auto b = theirs[i].accessor<float, 2>();
    std::vector<bool> used(std::size_t(b.size(0)), false);
    int unmatched = 0;
    for (std::int64_t r = 0; r < a.size(0); ++r) {
      bool found = false;
      for (std::int64_t q = 0; q < b.size(0) && !found; ++q) {
        if (used[std::size_t(q)] || a[r][5] != b[q][5] || std::abs(a[r][4] - b[q][4]) > 1e-4) continue;
        bool close = true;
        for (int c = 0; c < 4; ++c) close = close && std::abs(a[r][c] - b[q][c]) <= 1e-2;
        if (close) used[std::size_t(q)] = found = true;
      }
      unmatched += found ? 0 : 1;
    }
    EXPECT_EQ(unmatched, 0) << "of " << a.size(0) << " detections in image " << i;
  }
}

// Exports `d` (dynamic batch unless `o` says otherwise), runs the file in `runtime` at batch 1 and 4
// and compares its outputs with libtorch's. With score_threshold > 0 the detections too: only for
// trained weights, since an untrained head scores thousands of boxes alike, where rounding in the
// last bit reorders the ties at the 100-detection cut.
void check_export(Detector& d, const std::string& file, double score_threshold, const std::string& runtime_name,
                  const Runtime& runtime, int* detections = nullptr, const OnnxExportOptions& o = {}) {
  d.module().eval();
  write_file_atomic(file, onnx_model_bytes(d, nlohmann::json::object(), o));
  const int size = d.preprocess().image_size;
  DetectOptions opts;
  opts.score_threshold = score_threshold;
  int found = 0;
  for (int batch : o.batch ? std::vector<int>{o.batch} : std::vector<int>{1, 4}) {
    SCOPED_TRACE(runtime_name + ", batch " + std::to_string(batch));
    auto x = inputs(batch, size, 11);
    torch::NoGradGuard ng;
    auto ref = d.export_reference(x).at(0);
    auto got = runtime(file, o.input_0_255 ? (x * 255.0).contiguous() : x);
    ASSERT_EQ(got.sizes(), ref.sizes());
    const double diff = worst_difference(got, ref);
    std::printf("%s in %s, batch %d: max |runtime - libtorch| / max(1, |libtorch|) = %.3g over %lld values\n",
                d.family().c_str(), runtime_name.c_str(), batch, diff, static_cast<long long>(ref.numel()));
    EXPECT_LE(diff, 1e-4);
    if (score_threshold <= 0) continue;
    auto ours = d.detect(x, opts).boxes;
    auto theirs = d.detections_from_outputs({got}, size, size, opts);
    expect_same_detections(theirs, ours);
    for (const auto& t : ours) found += int(t.size(0));
  }
  if (detections) *detections = found;
}

// Runs tests/export/check_onnx.py on the files; skips when python3-onnx is absent.
#define AUTODET_CHECK_ONNX(files, dir)                                                                   \
  {                                                                                                      \
    const std::string cmd_ = "/usr/bin/python3 " + std::string(AUTODET_SOURCE_DIR) +                     \
                             "/tests/export/check_onnx.py " + (files) + " >" + (dir / "check.txt") + " 2>&1"; \
    const int rc_ = std::system(cmd_.c_str());                                                           \
    const std::string out_ = read_text(dir / "check.txt");                                               \
    std::printf("%s", out_.c_str());                                                                     \
    if (WIFEXITED(rc_) && WEXITSTATUS(rc_) == 3) GTEST_SKIP() << out_;                                   \
    ASSERT_EQ(rc_, 0) << out_;                                                                           \
  }

std::unique_ptr<Detector> build(const std::string& name, const std::string& size, int classes, int image_size) {
  models::DetectorConfig c;
  c.model_size = size;
  c.num_classes = classes;
  c.image_size = image_size;
  c.init_seed = 3;
  return models::build_detector(name, c);
}

// The published COCO YOLOv5n (416 px) and FastestDet (352 px); `missing` says why not when absent.
struct CocoDetectors {
  std::unique_ptr<Detector> yolo, fastestdet;
  std::string missing;
};

CocoDetectors coco_detectors() {
  const std::string yolo_pt = kShared + "/weights/yolov5/yolov5n_coco_v6.1.pt";
  const std::string fd_pth = kShared + "/weights/fastestdet/fastestdet_coco_ap50_0.253.pth";
  CocoDetectors c;
  if (!std::filesystem::exists(yolo_pt) || !std::filesystem::exists(fd_pth)) {
    c.missing = "the shared COCO weights are absent (" + yolo_pt + ", " + fd_pth + ")";
    return c;
  }
  c.yolo = build("yolov5", "nano", 80, 416);
  models::load_start_weights(*c.yolo, models::StartWeights{yolo_pt, "file", "", false});
  c.fastestdet = build("fastestdet", "", 80, 352);
  models::load_start_weights(*c.fastestdet, models::StartWeights{fd_pth, "file", "", false});
  return c;
}

#define AUTODET_REQUIRE_COCO(var)  \
  auto var = coco_detectors();     \
  if (!var.missing.empty()) GTEST_SKIP() << var.missing

TEST(OnnxExport, YoloV5OutputsEqualLibtorchInOpenCvDnn) {
  TempDir t;
  auto d = build("yolov5", "nano", 3, 320);
  randomise_batchnorms(d->module(), 5);
  check_export(*d, t / "yolo.onnx", 0, "OpenCV DNN", run_opencv);
}

TEST(OnnxExport, FastestDetOutputsEqualLibtorchInOpenCvDnn) {
  TempDir t;
  auto d = build("fastestdet", "", 4, 352);
  randomise_batchnorms(d->module(), 6);
  check_export(*d, t / "fastestdet.onnx", 0, "OpenCV DNN", run_opencv);
}

// ONNX Runtime, a second runtime autodet did not write: the dynamic file at batch 1 and 4, a
// fixed-batch file, and the 0-255 input form (enable_onnx_normalization).
TEST(OnnxExport, OutputsEqualLibtorchInOnnxRuntime) {
  AUTODET_REQUIRE_ONNXRUNTIME();
  TempDir t;
  for (const auto& [name, size, image] : {std::tuple{"yolov5", "nano", 320}, std::tuple{"fastestdet", "", 352}}) {
    SCOPED_TRACE(name);
    auto d = build(name, size, 3, image);
    randomise_batchnorms(d->module(), 7);
    check_export(*d, t / (std::string(name) + ".onnx"), 0, "ONNX Runtime", run_onnxruntime);
    OnnxExportOptions fixed;
    fixed.batch = 4;
    fixed.opset = 11;
    fixed.input_0_255 = true;
    check_export(*d, t / (std::string(name) + "_4.onnx"), 0, "ONNX Runtime", run_onnxruntime, nullptr, fixed);
  }
}

// The published COCO weights on real images: the detections a user would see, compared.
TEST(OnnxExport, CocoDetectorsGiveTheSameDetectionsFromTheExportedFile) {
  AUTODET_REQUIRE_COCO(coco);
  auto& yolo = coco.yolo;
  auto& fd = coco.fastestdet;
  TempDir t;
  std::vector<std::pair<std::string, Runtime>> runtimes{{"OpenCV DNN", run_opencv}};
  if (const std::string why = onnxruntime_missing(); why.empty()) runtimes.emplace_back("ONNX Runtime", run_onnxruntime);
  else std::printf("not comparing in ONNX Runtime: %s\n", why.c_str());
  for (const auto& [runtime_name, runtime] : runtimes) {
    int found = 0;
    check_export(*yolo, t / "yolo.onnx", 0.25, runtime_name, runtime, &found);
    EXPECT_GT(found, 0) << "no detections to compare";
    check_export(*fd, t / "fastestdet.onnx", 0.25, runtime_name, runtime, &found);
    EXPECT_GT(found, 0) << "no detections to compare";
  }
}

TEST(OnnxExport, ExportedFilesPassTheOnnxCheckerWithStrictShapeInference) {
  TempDir t;
  std::string files;
  for (const auto& [name, size, image] : {std::tuple{"yolov5", "nano", 320}, std::tuple{"fastestdet", "", 352}}) {
    auto d = build(name, size, 2, image);
    for (int opset : {11, 13, 17})
      for (int batch : {0, 4}) {
        OnnxExportOptions o;
        o.opset = opset;
        o.batch = batch;
        o.input_0_255 = batch == 4;
        const std::string file = t / fmt::format("{}_{}_{}.onnx", name, opset, batch);
        write_file_atomic(file, onnx_model_bytes(*d, nlohmann::json{{"labels", {"a", "b"}}}, o));
        files += " " + file;
        o.nms = true;
        const std::string nms_file = t / fmt::format("{}_{}_{}_nms.onnx", name, opset, batch);
        write_file_atomic(nms_file, onnx_model_bytes(*d, nlohmann::json{{"labels", {"a", "b"}}}, o));
        files += " " + nms_file;
      }
  }
  AUTODET_CHECK_ONNX(files, t);
}

// `autodet export` on a package: the file names the package's labels and settings in its
// metadata, a fixed batch is declared as such, and wrong options are refused by name.
TEST(OnnxExport, CommandExportsAPackageWithItsLabelsAndSettings) {
  TempDir t;
  write_untrained_package(t / "pkg", "nano", {"cat", "dog"}, 320, 1, {{"box_score_thresh", 0.3}});
  std::string out;
  ASSERT_EQ(run_autodet("export " + (t / "pkg") + " --batch 2 --out " + (t / "m2.onnx"), &out), 0) << out;
  EXPECT_NE(out.find("batch 2"), std::string::npos) << out;
  EXPECT_NE(out.find("output output 2x6300x7"), std::string::npos) << out;
  ASSERT_EQ(run_autodet("export " + (t / "pkg"), &out), 0) << out;
  EXPECT_TRUE(std::filesystem::exists(t / "pkg/model.onnx")) << out;
  const std::string bytes = read_text(t / "pkg/model.onnx");
  EXPECT_NE(bytes.find("[\"cat\",\"dog\"]"), std::string::npos);
  EXPECT_NE(bytes.find("\"box_score_thresh\":0.3"), std::string::npos);

  EXPECT_NE(run_autodet("export " + (t / "pkg") + " --batch zero", &out), 0);
  EXPECT_NE(out.find("--batch takes 'dynamic' or a positive number"), std::string::npos) << out;
  EXPECT_NE(run_autodet("export " + (t / "nowhere"), &out), 0);
  EXPECT_NE(out.find("nowhere"), std::string::npos) << out;
  // With NMS in the graph: one "detections" output; OpenCV DNN cannot run it, and predict says so.
  ASSERT_EQ(run_autodet("export " + (t / "pkg") + " --nms --out " + (t / "nms.onnx"), &out), 0) << out;
  EXPECT_NE(out.find("output detections nx7"), std::string::npos) << out;
  make_image(t / "a.jpg", 64, 48);
  EXPECT_NE(run_autodet("predict --model " + (t / "nms.onnx") + " " + (t / "a.jpg"), &out), 0);
  EXPECT_NE(out.find("export without --nms"), std::string::npos) << out;
  // An ONNX file autodet did not write, and bytes that are no ONNX model: refused, naming the file.
  write_text(t / "junk.onnx", "not a protobuf \x01\x02");
  EXPECT_NE(run_autodet("predict --model " + (t / "junk.onnx") + " " + (t / "a.jpg"), &out), 0);
  EXPECT_NE(out.find("junk.onnx"), std::string::npos) << out;
  const std::string foreign = kShared + "/weights/fastestdet/fastestdet_coco.onnx";
  if (std::filesystem::exists(foreign)) {
    EXPECT_NE(run_autodet("predict --model " + foreign + " " + (t / "a.jpg"), &out), 0);
    EXPECT_NE(out.find("only files written by `autodet export PACKAGE`"), std::string::npos) << out;
  }
  AUTODET_CHECK_ONNX((t / "m2.onnx") + " " + (t / "pkg/model.onnx"), t);
}

// Decoding and NMS in the graph, run by ONNX Runtime at batch 1 and 4 from one file: for each
// image, the kept boxes are the detections libtorch gives (COCO weights, real images, score > 0.25).
TEST(OnnxExport, NmsInTheGraphGivesTheSameDetectionsInOnnxRuntime) {
  AUTODET_REQUIRE_ONNXRUNTIME();
  AUTODET_REQUIRE_COCO(coco);
  auto& yolo = coco.yolo;
  auto& fd = coco.fastestdet;
  TempDir t;
  for (Detector* d : {yolo.get(), fd.get()}) {
    SCOPED_TRACE(d->family());
    d->module().eval();
    OnnxExportOptions o;
    o.nms = true;
    o.nms_options.score_threshold = 0.25;
    const std::string file = t / (d->family() + "_nms.onnx");
    write_file_atomic(file, onnx_model_bytes(*d, nlohmann::json::object(), o));
    const int size = d->preprocess().image_size;
    int total = 0;
    for (int batch : {1, 4}) {
      SCOPED_TRACE("batch " + std::to_string(batch));
      auto x = inputs(batch, size, 11);
      auto got = run_onnxruntime(file, x);  // (K, 7)
      ASSERT_EQ(got.dim(), 2);
      torch::NoGradGuard ng;
      const auto ours = d->detect(x, o.nms_options).boxes;
      std::vector<torch::Tensor> theirs;
      for (int b = 0; b < batch; ++b) {
        auto rows = got.index_select(0, (got.select(1, 0) == float(b)).nonzero().squeeze(1)).slice(1, 1, 7);
        auto order = std::get<1>(rows.select(1, 4).sort(/*stable=*/true, 0, /*descending=*/true));
        theirs.push_back(rows.index_select(0, order).contiguous());
        total += int(ours[std::size_t(b)].size(0));
      }
      expect_same_detections(theirs, ours);
    }
    std::printf("%s: %d detections on 1 + 4 images, NMS in the graph (ONNX Runtime) against libtorch\n", d->family().c_str(), total);
    EXPECT_GT(total, 0);
  }
}

}  // namespace
}  // namespace autodet::testing

namespace autodet::testing {
namespace {

// `predict --model model.onnx` answers as the package does, with and without tiling: the COCO
// YOLOv5n on real images, through OpenCV DNN and the family's own decoding.
TEST(OnnxExport, PredictWithTheExportedFileAnswersAsThePackage) {
  const std::string yolo_pt = kShared + "/weights/yolov5/yolov5n_coco_v6.1.pt";
  const std::string images = kShared + "/datasets/raccoon/images";
  if (!std::filesystem::exists(yolo_pt) || !std::filesystem::exists(images))
    GTEST_SKIP() << "the shared YOLOv5n weights or raccoon images are absent";
  TempDir t;
  auto d = build("yolov5", "nano", 80, 320);
  models::load_start_weights(*d, models::StartWeights{yolo_pt, "file", "", false});
  ModelPackage p;
  p.architecture = package_architecture(*d);
  for (int i = 0; i < 80; ++i) p.labels.push_back("class" + std::to_string(i));
  p.settings = {{"img_size", 320}, {"box_score_thresh", 0.2}, {"nms_iou_thresh", 0.5}};
  p.per_label_metrics = nlohmann::json::object();
  p.metrics = {{"source", "yolov5n COCO"}};
  write_model_package(t / "pkg", p, [&](const std::string& path) { save_weights(path, d->module(), {}); });
  std::string out;
  ASSERT_EQ(run_autodet("export " + (t / "pkg") + " --out " + (t / "m.onnx"), &out), 0) << out;
  std::string inputs;
  for (int i = 1; i <= 6; ++i) inputs += " " + images + "/raccoon-" + std::to_string(i) + ".jpg";
  for (const std::string extra : {"", " --set tile_grid_size=2x2"}) {
    SCOPED_TRACE(extra);
    ASSERT_EQ(run_autodet("predict --model " + (t / "pkg") + inputs + extra + " --out " + (t / "a.jsonl"), &out), 0) << out;
    ASSERT_EQ(run_autodet("predict --model " + (t / "m.onnx") + inputs + extra + " --out " + (t / "b.jsonl"), &out), 0) << out;
    std::ifstream a(t / "a.jsonl"), b(t / "b.jsonl");
    std::string la, lb;
    int boxes = 0;
    while (std::getline(a, la)) {
      ASSERT_TRUE(std::getline(b, lb));
      const auto ja = nlohmann::json::parse(la)["boxes"], jb = nlohmann::json::parse(lb)["boxes"];
      ASSERT_EQ(ja.size(), jb.size()) << la << "\n" << lb;
      for (std::size_t k = 0; k < ja.size(); ++k) {
        EXPECT_EQ(ja[k]["label"], jb[k]["label"]);
        EXPECT_NEAR(ja[k]["score"].get<double>(), jb[k]["score"].get<double>(), 1e-4);
        for (const char* c : {"topX", "topY", "bottomX", "bottomY"})
          EXPECT_NEAR(ja[k]["box"][c].get<double>(), jb[k]["box"][c].get<double>(), 1e-4);
      }
      boxes += int(ja.size());
    }
    EXPECT_FALSE(std::getline(b, lb));
    EXPECT_GT(boxes, 0);
  }
  // The file's input size is fixed: another img_size is refused by name.
  EXPECT_NE(run_autodet("predict --model " + (t / "m.onnx") + inputs + " --set img_size=416", &out), 0);
  EXPECT_NE(out.find("320x320"), std::string::npos) << out;
}

}  // namespace
}  // namespace autodet::testing
