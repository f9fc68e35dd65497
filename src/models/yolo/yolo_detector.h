#pragma once
// YOLOv5 behind the detector contract: the network, its loss (with the job's image size for the
// gains) and Ultralytics' NMS; AutoAnchor as its adaptation to the data.
#include <cstdint>
#include <string>

#include "models/detector.h"
#include "models/yolo/yolo_loss.h"
#include "models/yolo/yolov5.h"
#include "models/yolo/yolov5_export.h"

namespace autodet::models {

class YoloDetector : public Detector {
 public:
  YoloDetector(const YoloV5Config& config, std::string model_size, int image_size, std::uint64_t init_seed);

  torch::nn::Module& module() override { return *model_; }
  std::string family() const override { return "yolov5"; }
  std::string model_size() const override { return size_; }
  int num_classes() const override { return model_->num_classes(); }

  std::vector<std::string> loss_names() const override { return {"box_loss", "obj_loss", "cls_loss"}; }
  LossResult losses(const torch::Tensor& images, const torch::Tensor& targets) override;
  DetectResult detect(const torch::Tensor& images, const DetectOptions& options, const torch::Tensor* targets) override;

  Preprocess preprocess() const override;
  nlohmann::json architecture() const override;
  std::vector<std::string> freeze_groups() const override { return backbone_layer_prefixes(); }
  std::vector<std::string> class_layers() const override { return {"model.24.m."}; }
  bool keep_class_free_part(const std::string& name, const torch::Tensor& stored, torch::Tensor& own) const override;
  std::string adapt_to_data(const std::vector<std::pair<float, float>>& box_sizes, std::uint64_t seed) override;
  void use_channels_last() override { model_->use_channels_last(); }
  // One output, "output" (B, N, 5 + C), as Azure exports YOLOv5.
  std::vector<GraphOutput> export_graph(GraphBuilder& graph, const std::string& input) override;
  std::vector<torch::Tensor> export_reference(const torch::Tensor& images) override;
  GraphCandidates export_candidates(GraphBuilder& graph, const std::vector<GraphOutput>& outputs) override {
    return export_yolov5_candidates(graph, outputs.at(0), num_classes());
  }
  std::vector<torch::Tensor> detections_from_outputs(const std::vector<torch::Tensor>& outputs, int input_w, int input_h,
                                                     const DetectOptions& options) override;

  YoloV5& network() { return model_; }

 private:
  YoloV5 model_;
  std::string size_;
  int image_size_;
  YoloLoss loss_;
};

}  // namespace autodet::models
