#include "models/rcnn/torchvision_weights.h"

#include "core/error.h"

namespace autodet::models {
namespace {

constexpr const char* kTorchvision = "https://download.pytorch.org/models/";

struct ImagenetFile {
  int depth;
  const char* file;
};
constexpr ImagenetFile kImagenet[] = {{18, "resnet18-f37072fd.pth"},
                                      {34, "resnet34-b627a593.pth"},
                                      {50, "resnet50-0676ba61.pth"},
                                      {101, "resnet101-63fe2227.pth"},
                                      {152, "resnet152-394f9c45.pth"}};

// "name-<hash>.pth" -> "<hash>".
std::string hash_suffix(const std::string& file) {
  const auto dash = file.rfind('-'), dot = file.rfind('.');
  if (dash == std::string::npos || dot == std::string::npos || dot < dash) return "";
  return file.substr(dash + 1, dot - dash - 1);
}

}  // namespace

std::vector<std::string> torchvision_coco_labels() {
  return {"person", "bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck", "boat", "traffic light",
          "fire hydrant", "N/A", "stop sign", "parking meter", "bench", "bird", "cat", "dog", "horse", "sheep", "cow",
          "elephant", "bear", "zebra", "giraffe", "N/A", "backpack", "umbrella", "N/A", "N/A", "handbag", "tie",
          "suitcase", "frisbee", "skis", "snowboard", "sports ball", "kite", "baseball bat", "baseball glove",
          "skateboard", "surfboard", "tennis racket", "bottle", "N/A", "wine glass", "cup", "fork", "knife", "spoon",
          "bowl", "banana", "apple", "sandwich", "orange", "broccoli", "carrot", "hot dog", "pizza", "donut", "cake",
          "chair", "couch", "potted plant", "bed", "N/A", "dining table", "N/A", "N/A", "toilet", "N/A", "tv",
          "laptop", "mouse", "remote", "keyboard", "cell phone", "microwave", "oven", "toaster", "sink",
          "refrigerator", "N/A", "book", "clock", "vase", "scissors", "teddy bear", "hair drier", "toothbrush"};
}

WeightSource torchvision_imagenet_resnet(int depth) {
  for (const auto& im : kImagenet) {
    if (im.depth != depth) continue;
    WeightSource w;
    w.kind = "imagenet";
    w.file = std::string("torchvision/") + im.file;
    w.url = std::string(kTorchvision) + im.file;
    w.sha256 = hash_suffix(im.file);
    w.licence = "BSD-3-Clause";
    w.prefix = "backbone.body.";
    return w;
  }
  throw UsageError("torchvision publishes no ImageNet ResNet-" + std::to_string(depth));
}

WeightSource torchvision_coco_detector(const std::string& file) {
  WeightSource w;
  w.kind = "coco";
  w.file = "torchvision/" + file;
  w.url = std::string(kTorchvision) + file;
  w.sha256 = hash_suffix(file);
  w.licence = "BSD-3-Clause";
  w.classes = torchvision_coco_labels();
  return w;
}

}  // namespace autodet::models
