#pragma once
// The detector contract every model family implements (torchvision's and Detectron2's shape):
// training losses by name, detections, the model's own preprocessing, its architecture
// description, its layer groups for freezing and the tensor names its weight files use. The
// trainer, validation, the predictor, tiling, serving and AutoMode talk to this and nothing else.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <torch/nn/module.h>
#include <torch/types.h>

#include "models/export_graph.h"

namespace autodet::models {

// How images are turned into the network's input. The loader and the predictor resize the image
// as `resize` says and hand the network (B, 3, H, W) float RGB in [0, 1]; the network applies
// (x - mean) / std itself, so exported and packaged models take the same input.
struct Preprocess {
  enum class Resize {
    letterbox,  // long side to image_size, aspect kept, padded to a square (YOLOv5)
    stretch,    // both sides to image_size, aspect not kept (FastestDet)
    // The image as it is, one at a time: the network resizes it itself (torchvision's R-CNN
    // transform). Training batches still letterbox to image_size.
    native,
  };
  Resize resize = Resize::letterbox;
  int image_size = 640;  // square input side
  int size_multiple = 32;  // image_size must be a multiple of this
  bool mosaic = true;      // the family trains on mosaics by default
  std::vector<float> mean{0.f, 0.f, 0.f};  // per RGB channel, on [0, 1] pixels
  std::vector<float> std{1.f, 1.f, 1.f};
  // The channel order the network's first layer was trained on. The input is RGB either way; a
  // "bgr" network (FastestDet, trained on OpenCV's BGR images) reorders the channels itself.
  std::string channel_order = "rgb";

  nlohmann::json to_json() const;  // what model.json records
};
std::string resize_name(Preprocess::Resize resize);  // "letterbox" | "stretch" | "native"

// Post-processing options that every family honours (Azure's inference settings).
struct DetectOptions {
  double score_threshold = 0.1;  // keep score > this (R6.2)
  double iou_threshold = 0.5;    // NMS: suppress IoU > this
  int max_detections = 100;      // per image
};

// A training step's losses: `total` for backward(), `parts` detached for logging, one value per
// name of loss_names(), already weighted so that they add up to the logged total.
struct LossResult {
  torch::Tensor total;  // scalar
  torch::Tensor parts;  // (loss_names().size()) float, detached
};

// Detections of one batch in input pixels, per image: (n, 6) float [x0, y0, x1, y1, score, class]
// by decreasing score; and the losses when targets were given.
struct DetectResult {
  std::vector<torch::Tensor> boxes;
  std::optional<LossResult> losses;
};

// A detector of one family, owning its network.
class Detector {
 public:
  virtual ~Detector() = default;

  // The network (parameters, train()/eval(), to(device), state_dict names).
  virtual torch::nn::Module& module() = 0;

  // Registry key ("yolov5", "fastestdet") and canonical size ("" when the family has none).
  virtual std::string family() const = 0;
  virtual std::string model_size() const { return ""; }
  virtual int num_classes() const = 0;

  // Loss names in the order LossResult::parts holds them ("box_loss", "obj_loss", "cls_loss").
  virtual std::vector<std::string> loss_names() const = 0;
  // images: (B, 3, H, W) float RGB in [0, 1]; targets: (N, 6) rows [image index in batch, class,
  // cx, cy, w, h] normalised to the input's width and height. The module must be in train mode.
  virtual LossResult losses(const torch::Tensor& images, const torch::Tensor& targets) = 0;
  // Detections in input pixels (eval mode, under no_grad); with targets, also the losses computed
  // from the same forward pass (validation loss).
  virtual DetectResult detect(const torch::Tensor& images, const DetectOptions& options,
                              const torch::Tensor* targets = nullptr) = 0;

  // How inputs are made; image_size is this detector's own.
  virtual Preprocess preprocess() const = 0;
  // What model.json stores to rebuild this detector (family, size, classes, image size, anchors,
  // preprocessing, ...); build_detector_from() reads it back.
  virtual nlohmann::json architecture() const = 0;
  // Parameter-name prefixes of the layer groups `layers_to_freeze` counts, in order (R4.14).
  virtual std::vector<std::string> freeze_groups() const = 0;
  // Parameter-name prefixes of the layers that depend on the class count (re-initialised when
  // weights trained on other classes are loaded).
  virtual std::vector<std::string> class_layers() const = 0;
  // Copies into `own`, a class layer's tensor, the part of the same tensor trained on other classes
  // (`stored`) that does not depend on the classes: YOLOv5's box and objectness outputs of each
  // anchor. Returns false, leaving `own` as initialised, when the family has no such part or the
  // shapes do not fit.
  virtual bool keep_class_free_part(const std::string& /*name*/, const torch::Tensor& /*stored*/, torch::Tensor& /*own*/) const {
    return false;
  }

  // The name this detector gives a tensor that a weight file stores under `stored_name`: the same
  // name, or today's for a name older releases of the upstream code wrote (torchvision's R-CNN
  // checkpoints before 0.13 say rpn.head.conv.weight for rpn.head.conv.0.0.weight).
  virtual std::string tensor_name(const std::string& stored_name) const { return stored_name; }

  // Adapts the model to the training data before the first step (YOLOv5's AutoAnchor); returns a
  // line saying what it did, "" when nothing. box_sizes: (w, h) of each box at the input size.
  virtual std::string adapt_to_data(const std::vector<std::pair<float, float>>& /*box_sizes*/, std::uint64_t /*seed*/) {
    return "";
  }
  // Stores conv weights channels-last where that is faster; values unchanged.
  virtual void use_channels_last() {}

  // Writes the inference network into `graph`, from `input` ((B, 3, H, W) float RGB in [0, 1] at
  // the detector's image size) to the family's raw head outputs, before score filtering and NMS.
  // The module must be in eval mode.
  virtual std::vector<GraphOutput> export_graph(GraphBuilder& graph, const std::string& input) = 0;
  // What libtorch computes for those outputs (eval mode, no_grad): the reference an exported file
  // is checked against.
  virtual std::vector<torch::Tensor> export_reference(const torch::Tensor& images) = 0;
  // The graph's decoding of those outputs into NMS candidates, for the export form with NMS in
  // the graph: per image boxes (B, N, 4) x0, y0, x1, y1 in input pixels and scores (B, C, N), a
  // box scoring only under the class detect() would give it (0 elsewhere). Families without it
  // throw NotSupportedError.
  virtual GraphCandidates export_candidates(GraphBuilder& graph, const std::vector<GraphOutput>& outputs);
  // Detections in input pixels from those outputs, as detect() would give them: what a runtime
  // that ran the exported graph hands back to autodet.
  virtual std::vector<torch::Tensor> detections_from_outputs(const std::vector<torch::Tensor>& outputs, int input_w,
                                                             int input_h, const DetectOptions& options) = 0;
};

}  // namespace autodet::models
