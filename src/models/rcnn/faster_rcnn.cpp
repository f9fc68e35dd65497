#include "models/rcnn/faster_rcnn.h"

#include <torch/torch.h>

namespace autodet::models {

FasterRcnnImpl::FasterRcnnImpl(int depth, std::int64_t classes, RcnnTransform t, bool trainable_bn)
    : transform(std::move(t)),
      rpn(AnchorGenerator::rcnn_default(), RpnSettings{}),
      roi_branch(RoiHeadSettings{}),
      num_classes(classes) {
  auto backbone = register_module("backbone", std::make_shared<torch::nn::Module>());
  body = backbone->register_module("body", ResNet(depth, trainable_bn));
  auto c = body->channels();
  // torchvision: in_channels_stage2 = inplanes // 8 (64 for ResNet-18/34, 256 for 50+).
  fpn = backbone->register_module("fpn", FeaturePyramid(c, 256, FpnExtra::max_pool));
  auto rpn_mod = register_module("rpn", std::make_shared<torch::nn::Module>());
  rpn_head = rpn_mod->register_module("head", RpnHead(256, rpn.anchor_generator().anchors_per_location()));
  auto roi = register_module("roi_heads", std::make_shared<torch::nn::Module>());
  box_head = roi->register_module("box_head", TwoMlpHead(256 * 7 * 7, 1024));
  box_predictor = roi->register_module("box_predictor", FastRcnnPredictor(1024, classes));
}

std::vector<torch::Tensor> FasterRcnnImpl::features(const torch::Tensor& batch_images) {
  return fpn->forward(body->forward(batch_images));
}

RcnnForward FasterRcnnImpl::forward(const torch::Tensor& images, const std::vector<torch::Tensor>* gt_boxes_in,
                                    const std::vector<torch::Tensor>* gt_labels, bool detect,
                                    const RcnnDetectSettings& settings) {
  auto batch = transform(images);
  auto feats = features(batch.images);
  std::vector<torch::Tensor> roi_feats(feats.begin(), feats.end() - 1);  // "0".."3", not "pool"
  const auto H = batch.images.size(2), W = batch.images.size(3);
  RcnnForward out;
  std::vector<torch::Tensor> gt_boxes;
  if (gt_boxes_in)
    for (const auto& g : *gt_boxes_in) gt_boxes.push_back(RcnnTransform::to_resized(g, batch));
  const bool losses = gt_boxes_in != nullptr;
  const bool train_mode = is_training();
  // Losses use the training top-n in training mode (torchvision) and the test top-n when
  // validating; detections always come from the test top-n.
  auto proposals = rpn(rpn_head, feats, H, W, batch.image_sizes, train_mode, losses ? &gt_boxes : nullptr,
                       sampler_generator);
  if (losses) {
    out.loss_objectness = proposals.objectness_loss;
    out.loss_rpn_box_reg = proposals.box_loss;
    auto r = roi_branch.train(box_head, box_predictor, roi_feats, proposals.proposals, batch.image_sizes, gt_boxes,
                              *gt_labels, sampler_generator);
    out.loss_classifier = r.classifier_loss;
    out.loss_box_reg = r.box_loss;
  }
  if (detect) {
    auto props = proposals.proposals;
    if (train_mode) props = rpn(rpn_head, feats, H, W, batch.image_sizes, false, nullptr, std::nullopt).proposals;
    auto r = roi_branch.detect(box_head, box_predictor, roi_feats, props, batch.image_sizes, settings.score_thresh,
                               settings.nms_thresh, settings.detections_per_image);
    for (auto& d : r.detections) {
      auto boxes = RcnnTransform::to_input(d.slice(1, 0, 4), batch);
      out.detections.push_back(torch::cat({boxes, d.slice(1, 4)}, 1));
    }
  }
  return out;
}

}  // namespace autodet::models
