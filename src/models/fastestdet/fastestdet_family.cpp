#include "models/fastestdet/fastestdet_family.h"

#include "core/error.h"
#include "models/fastestdet/fastestdet_detector.h"

namespace autodet::models {
namespace {

// The publisher's files at the commit autodet's copies were taken from (GitHub redirects /raw/
// to the file's bytes; the sha256 check guards what arrives).
constexpr const char* kUpstream = "https://github.com/dog-qiuqiu/FastestDet/raw/50473cd155cb088aa4a99e64ff6a4b3c24fa07e1/";

std::unique_ptr<Detector> build_fastestdet(const DetectorConfig& c) {
  // Sizeless: model_size, a yolov5 parameter, does not apply (the job layer says so).
  const int image_size = c.image_size > 0 ? c.image_size : 352;
  if (image_size % 32 != 0) throw UsageError(Location{"", 0, "", "image_size"}, "fastestdet's image_size must be a multiple of 32");
  return std::make_unique<FastestDetDetector>(c.num_classes, image_size, c.init_seed);
}

}  // namespace

double fastestdet_forward_macs(int image_size, int num_classes) {
  // Per-pixel MACs of each conv at its stride, summed by stride from the layer widths.
  const double s = double(image_size);
  auto px = [&](int stride) { return (s / stride) * (s / stride); };
  double macs = px(2) * 3 * 24 * 9;  // first conv
  const int widths[4] = {24, 48, 96, 192};
  const int repeats[3] = {4, 8, 4};
  for (int st = 0; st < 3; ++st) {
    const int in = widths[st], out = widths[st + 1], half = out / 2;
    const int stride = 8 << st;
    // stride-2 block: main 1x1 (in->half) at the input stride, dw 3x3 and 1x1 at the output stride; projection
    macs += px(stride / 2) * in * half + px(stride) * (half * 9 + half * (out - in)) + px(stride) * (in * 9 + in * in);
    macs += double(repeats[st] - 1) * px(stride) * (half * half * 2 + half * 9);
  }
  const double p16 = px(16);
  macs += p16 * (336 * 96 + 96 * 25 * 6 + 288 * 96);             // neck
  macs += p16 * (96 * 96 + 3 * 96 * 25 + 96 * (5 + num_classes));  // head
  return macs;
}

FamilySpec fastestdet_family() {
  FamilySpec f;
  f.name = "fastestdet";
  f.preprocess.resize = Preprocess::Resize::stretch;
  f.preprocess.image_size = 352;
  f.preprocess.size_multiple = 32;
  f.preprocess.mosaic = false;
  f.preprocess.channel_order = "bgr";
  f.hyperparameters = {"image_size", "box_score_threshold", "nms_iou_threshold", "box_detections_per_image",
                       "layers_to_freeze", "tile_grid_size", "tile_overlap_ratio", "tile_predictions_nms_threshold"};
  f.training_defaults = {{"optimizer", "adamw"}, {"learning_rate", 0.002}, {"weight_decay", 0.0005},
                         {"number_of_epochs", 60}, {"training_batch_size", 16}};
  WeightSource coco;
  coco.kind = "coco";
  coco.file = "fastestdet/fastestdet_coco_ap50_0.253.pth";
  coco.url = std::string(kUpstream) + "weights/weight_AP05%3A0.253207_280-epoch.pth";
  coco.sha256 = "7f688d478ee474c82dbdb9c10e0ede2f8f3cf5d603f0825d2efd925eb561d05e";
  coco.licence = "BSD-3-Clause";
  coco.classes = {"person", "bicycle", "car", "motorbike", "aeroplane", "bus", "train", "truck", "boat", "traffic light", "fire hydrant", "stop sign", "parking meter", "bench", "bird", "cat", "dog", "horse", "sheep", "cow", "elephant", "bear", "zebra", "giraffe", "backpack", "umbrella", "handbag", "tie", "suitcase", "frisbee", "skis", "snowboard", "sports ball", "kite", "baseball bat", "baseball glove", "skateboard", "surfboard", "tennis racket", "bottle", "wine glass", "cup", "fork", "knife", "spoon", "bowl", "banana", "apple", "sandwich", "orange", "broccoli", "carrot", "hot dog", "pizza", "donut", "cake", "chair", "sofa", "pottedplant", "bed", "diningtable", "toilet", "tvmonitor", "laptop", "mouse", "remote", "keyboard", "cell phone", "microwave", "oven", "toaster", "sink", "refrigerator", "book", "clock", "vase", "scissors", "teddy bear", "hair drier", "toothbrush"};
  WeightSource imagenet;
  imagenet.kind = "imagenet";
  imagenet.file = "fastestdet/shufflenetv2_imagenet.pth";
  imagenet.url = std::string(kUpstream) + "module/shufflenetv2.pth";
  imagenet.sha256 = "c9e6e3ac1c4997e05529cfb4897a3b5d29165e3ed4105cfb6897fc11efa72e4b";
  imagenet.licence = "BSD-3-Clause";
  imagenet.prefix = "backbone.";
  f.weights = {coco, imagenet};
  f.forward_macs = [](const std::string&, int image_size, int num_classes) {
    return fastestdet_forward_macs(image_size, num_classes);
  };
  // raccoon, 2 cores (AMD EPYC), from COCO, validation included: FastestDet at 352 px (channels-
  // last) takes 4.3 s an epoch and YOLOv5n at 320 px 5 s, where their MACs (0.12 G and 0.56 G a
  // forward pass) predict 1.8 s and 8.1 s: per MAC FastestDet trains 3.9 times slower
  // (docs/automode.md).
  f.mac_time_factor = 3.9;
  f.build = build_fastestdet;
  return f;
}

}  // namespace autodet::models
