"""torchvision's Faster R-CNN, RetinaNet and FCOS as the reference for autodet's parity tests.

Usage: rcnn_peer.py IN.json OUT_DIR
IN: {"cases": [{"name", ["model": "fasterrcnn" (default), "retinanet" or "fcos",] "depth", "num_classes" (with background), "seed", "height", "width",
     "batch", "min_size", "max_size", "score_thresh", "nms_thresh", "detections"
     [, "image_file": a photo used instead of random images, batch 1]}, ...]}
For each case it builds the model with weights=None and the seed (ResNet-50 through
fasterrcnn_resnet50_fpn, the others through resnet_fpn_backbone, as torchvision offers them;
RetinaNet and FCOS through retinanet_resnet50_fpn and fcos_resnet50_fpn),
sets every frozen BatchNorm's statistics from a forward pass over the test images (random
statistics would blow the activations up), makes the heads decisive (wider RPN and classifier
weights: torchvision's std 0.01 scores every box alike), and writes to OUT_DIR:
  NAME.state.pth   the model's state_dict()
  NAME.io.pth      {"images", "gt_boxes_<i>", "gt_labels_<i>", "det_boxes_<i>", "det_scores_<i>",
                    "det_labels_<i>", "loss_<name>"}: the inputs, the eval-mode detections and the
                    train-mode losses with the balanced samplers taking candidates in index order.
Exit code 3 when torch or torchvision cannot be imported (the C++ test then skips).
"""
import json
import os
import sys

try:
    import torch
    import torchvision
    from torchvision.models.detection import FasterRCNN, fasterrcnn_resnet50_fpn, fcos_resnet50_fpn, retinanet_resnet50_fpn
    from torchvision.models.detection.backbone_utils import resnet_fpn_backbone
    from torchvision.ops import FrozenBatchNorm2d
except Exception as e:  # noqa: BLE001
    print(f"torchvision unavailable: {e}", file=sys.stderr)
    sys.exit(3)


def build(case):
    torch.manual_seed(case["seed"])
    if case.get("model") in ("retinanet", "fcos"):
        make = retinanet_resnet50_fpn if case["model"] == "retinanet" else fcos_resnet50_fpn
        return make(weights=None, weights_backbone=None, num_classes=case["num_classes"],
                                      min_size=case["min_size"], max_size=case["max_size"],
                                      score_thresh=case["score_thresh"], nms_thresh=case["nms_thresh"],
                                      detections_per_img=case["detections"])
    kw = dict(min_size=case["min_size"], max_size=case["max_size"], box_score_thresh=case["score_thresh"],
              box_nms_thresh=case["nms_thresh"], box_detections_per_img=case["detections"])
    if case["depth"] == 50:
        return fasterrcnn_resnet50_fpn(weights=None, weights_backbone=None, num_classes=case["num_classes"], **kw)
    backbone = resnet_fpn_backbone(backbone_name=f"resnet{case['depth']}", weights=None, trainable_layers=5)
    return FasterRCNN(backbone, num_classes=case["num_classes"], **kw)


def calibrate(model, images, depth):
    """Each BatchNorm (frozen or not) takes the mean and variance of its input on these images, so
    every layer sees unit-scale inputs; the last BatchNorm of each residual block scales its
    branch down (0.1-0.3), as trained ResNets do, so that a deep random network stays well
    conditioned: otherwise ResNet-101/152 amplify float rounding into different detections."""
    last = ".bn3" if depth >= 50 else ".bn2"
    norms = [(n, m) for n, m in model.named_modules() if isinstance(m, (FrozenBatchNorm2d, torch.nn.BatchNorm2d))]
    hooks = []

    def pre_hook_for(name):
        def pre_hook(module, inputs):
            x = inputs[0]
            module.running_mean.copy_(x.mean(dim=(0, 2, 3)))
            module.running_var.copy_(x.var(dim=(0, 2, 3)) + 1e-2)
            lo, hi = (0.1, 0.3) if name.endswith(last) else (0.5, 1.5)
            module.weight.copy_(torch.empty_like(module.weight).uniform_(lo, hi))
            module.bias.copy_(torch.empty_like(module.bias).uniform_(-0.2, 0.2))
        return pre_hook

    for n, m in norms:
        hooks.append(m.register_forward_pre_hook(pre_hook_for(n)))
    model.eval()
    with torch.no_grad():
        model.backbone(model.transform(list(images))[0].tensors)
    for h in hooks:
        h.remove()


def decisive(model):
    g = torch.Generator().manual_seed(1234)
    with torch.no_grad():
        head = model.rpn.head
        head.cls_logits.weight.normal_(0, 0.3, generator=g)
        head.cls_logits.bias.normal_(0, 0.5, generator=g)
        head.bbox_pred.weight.normal_(0, 0.02, generator=g)
        pred = model.roi_heads.box_predictor
        pred.cls_score.weight.normal_(0, 1.0, generator=g)
        pred.cls_score.bias.zero_()
        pred.bbox_pred.weight.normal_(0, 0.2, generator=g)


def spread(model, images):
    """Scales the classifier and box-offset weights so that logits vary by about 2 and offsets by
    about 0.3 over the proposals of these images."""
    model.eval()
    feats = {}
    h = model.roi_heads.box_head.register_forward_hook(lambda m, i, o: feats.setdefault("x", o))
    with torch.no_grad():
        model(list(images))
        h.remove()
        x = feats["x"]
        pred = model.roi_heads.box_predictor
        logits = pred.cls_score(x)
        centred = logits - logits.mean(0)
        pred.cls_score.weight.mul_(2.0 / float(centred.std()))
        pred.cls_score.bias.copy_(-pred.cls_score.weight @ x.mean(0))  # no class wins everywhere
        offsets = pred.bbox_pred(x)
        pred.bbox_pred.weight.mul_(0.3 / float(offsets.std()))


def unit_gain(cls_tower, reg_tower, g):
    """He-initialised tower convs (unit gain) with small biases; GroupNorm affine parameters near 1
    and 0."""
    for tower in (cls_tower, reg_tower):
        for m in tower.modules():
            if isinstance(m, torch.nn.Conv2d):
                m.weight.normal_(0, (2.0 / (9 * m.in_channels)) ** 0.5, generator=g)
                m.bias.uniform_(-0.1, 0.1, generator=g)
            elif isinstance(m, torch.nn.GroupNorm):
                m.weight.uniform_(0.5, 1.5, generator=g)
                m.bias.uniform_(-0.2, 0.2, generator=g)


def decisive_retinanet(model, images):
    """torchvision's std-0.01 towers shrink every activation towards zero, so all anchors score
    alike: give the towers unit gain (He init) and scale the last convs so that class logits vary
    by about 1.5 around -4.5 (a few per cent above the 0.05 threshold) and offsets by about 0.3.
    The background column stays far below, as after training."""
    g = torch.Generator().manual_seed(4321)
    head = model.head
    cls, reg = head.classification_head, head.regression_head
    with torch.no_grad():
        unit_gain(cls.conv, reg.conv, g)
        cls.cls_logits.weight.normal_(0, 0.05, generator=g)
        reg.bbox_reg.weight.normal_(0, 0.05, generator=g)
        model.eval()
        feats = list(model.backbone(model.transform(list(images))[0].tensors).values())
        cls.cls_logits.bias.zero_()
        logits = torch.cat([cls.cls_logits(cls.conv(f)).flatten() for f in feats])
        scale = 1.5 / float(logits.std())
        cls.cls_logits.weight.mul_(scale)
        bias = torch.full_like(cls.cls_logits.bias, -4.5 - float(logits.mean()) * scale)
        bias.view(-1, cls.num_classes)[:, 0] = -12.0
        cls.cls_logits.bias.copy_(bias)
        offsets = torch.cat([reg.bbox_reg(reg.conv(f)).flatten() for f in feats])
        reg.bbox_reg.weight.mul_(0.3 / float(offsets.std()))
        reg.bbox_reg.bias.zero_()


def decisive_fcos(model, images):
    """As for RetinaNet, towers of unit gain (their GroupNorms keep them so); class logits spread
    by about 1.5 around -3.5 and centerness logits by about 1, so that sqrt(sigmoid(class) *
    sigmoid(centerness)) passes the 0.2 threshold at a few per cent of the locations; edge
    distances about 1.5 +- 0.5 strides, so boxes are a few strides wide and overlap."""
    g = torch.Generator().manual_seed(2468)
    head = model.head
    cls, reg = head.classification_head, head.regression_head
    with torch.no_grad():
        unit_gain(cls.conv, reg.conv, g)
        for conv in (cls.cls_logits, reg.bbox_reg, reg.bbox_ctrness):
            conv.weight.normal_(0, 0.05, generator=g)
            conv.bias.zero_()
        model.eval()
        feats = list(model.backbone(model.transform(list(images))[0].tensors).values())
        cls_t = [cls.conv(f) for f in feats]
        reg_t = [reg.conv(f) for f in feats]

        def spread_out(conv, towers, std, mean):
            out = torch.cat([conv(t).flatten() for t in towers])
            scale = std / float(out.std())
            conv.weight.mul_(scale)
            conv.bias.fill_(mean - float(out.mean()) * scale)

        spread_out(cls.cls_logits, cls_t, 1.5, -3.5)
        cls.cls_logits.bias[0] = -12.0  # the background column, one anchor per location
        spread_out(reg.bbox_ctrness, reg_t, 1.0, 0.0)
        spread_out(reg.bbox_reg, reg_t, 0.5, 1.5)


def targets_for(case, g):
    out = []
    H, W = case["height"], case["width"]
    for _ in range(case["batch"]):
        n = int(torch.randint(2, 5, (1,), generator=g))
        x0 = torch.rand(n, generator=g) * W * 0.6
        y0 = torch.rand(n, generator=g) * H * 0.6
        w = 20 + torch.rand(n, generator=g) * W * 0.35
        h = 20 + torch.rand(n, generator=g) * H * 0.35
        boxes = torch.stack([x0, y0, (x0 + w).clamp(max=W), (y0 + h).clamp(max=H)], 1)
        labels = torch.randint(1, case["num_classes"], (n,), generator=g)
        out.append({"boxes": boxes, "labels": labels})
    return out


def run(case, out_dir):
    g = torch.Generator().manual_seed(case["seed"] + 7)
    if "image_file" in case:
        # A real photo, decoded by OpenCV as autodet decodes it: (1, 3, H, W) RGB in [0, 1].
        import cv2
        bgr = cv2.imread(case["image_file"], cv2.IMREAD_COLOR)
        rgb = torch.from_numpy(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB).copy())
        images = (rgb.permute(2, 0, 1).float() / 255.0).unsqueeze(0)
        case = dict(case, batch=1, height=images.shape[2], width=images.shape[3])
    else:
        images = torch.rand(case["batch"], 3, case["height"], case["width"], generator=g)
        # Smooth the noise a little so features are structured, as real images are.
        images = torch.nn.functional.avg_pool2d(images, 5, 1, 2)
    model = build(case)
    calibrate(model, images, case["depth"])
    if case.get("model") == "retinanet":
        decisive_retinanet(model, images)
    elif case.get("model") == "fcos":
        decisive_fcos(model, images)
    else:
        decisive(model)
        spread(model, images)
    targets = targets_for(case, g)
    io = {"images": images}
    for i, t in enumerate(targets):
        io[f"gt_boxes_{i}"] = t["boxes"]
        io[f"gt_labels_{i}"] = t["labels"]
    model.eval()
    with torch.no_grad():
        dets = model(list(images))
    for i, d in enumerate(dets):
        io[f"det_boxes_{i}"] = d["boxes"]
        io[f"det_scores_{i}"] = d["scores"]
        io[f"det_labels_{i}"] = d["labels"]
    model.train()
    for m in model.modules():  # ResNet-50 is built with BatchNorm2d: frozen here, as autodet's
        if isinstance(m, torch.nn.BatchNorm2d):
            m.eval()
    randperm = torch.randperm
    torch.randperm = lambda n, *a, **k: torch.arange(n, device=k.get("device"))
    try:
        losses = model(list(images), targets)
    finally:
        torch.randperm = randperm
    for k, v in losses.items():
        io[k] = v.detach().reshape(1)
    torch.save(model.state_dict(), os.path.join(out_dir, case["name"] + ".state.pth"))
    torch.save(io, os.path.join(out_dir, case["name"] + ".io.pth"))


def main():
    with open(sys.argv[1]) as f:
        request = json.load(f)
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    for case in request["cases"]:
        run(case, sys.argv[2])


if __name__ == "__main__":
    main()
