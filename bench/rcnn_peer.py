"""torchvision's Faster R-CNN, RetinaNet and FCOS R50-FPN on the CPU, the peers of bench_train_rcnn.

Usage: rcnn_peer.py [--profile] [--model=fasterrcnn|retinanet|fcos] [STEPS (2)]
Times, after warm-up, a training step (forward with losses, backward, SGD update) on a fixed
batch of 2 images at 512 x 512 (min_size = max_size = 512, so the transform does not resize) with
two boxes each, and batch-1 inference on one such image; prints JSON
{"step_s": ..., "infer_s": ...}. --profile also prints where the training step spends its time
(torch.profiler, operators by self CPU time) to stderr.
The model is torchvision's with weights=None and frozen BatchNorm (as with pretrained weights),
trainable_layers=3 (torchvision's default when fine-tuning: conv1 and layer1 frozen), the ResNet
levels each family reads (C2..C5 for Faster R-CNN, C3..C5 with P6/P7 for the one-stage ones).
"""
import json
import sys
import time

import torch
from torchvision.models.detection import FCOS, FasterRCNN, RetinaNet
from torchvision.models.detection.backbone_utils import resnet_fpn_backbone
from torchvision.ops.feature_pyramid_network import LastLevelP6P7


def build(kind):
    if kind == "fasterrcnn":
        backbone = resnet_fpn_backbone(backbone_name="resnet50", weights=None, trainable_layers=3)
        return FasterRCNN(backbone, num_classes=2, min_size=512, max_size=512)
    backbone = resnet_fpn_backbone(backbone_name="resnet50", weights=None, trainable_layers=3,
                                   returned_layers=[2, 3, 4], extra_blocks=LastLevelP6P7(256, 256))
    make = RetinaNet if kind == "retinanet" else FCOS
    return make(backbone, num_classes=2, min_size=512, max_size=512)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    profile = "--profile" in sys.argv
    steps = int(args[0]) if args else 2
    kind = next((a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--model=")), "fasterrcnn")
    torch.manual_seed(0)
    model = build(kind)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.SGD(params, lr=0.005, momentum=0.9, weight_decay=1e-4)
    images = list(torch.rand(2, 3, 512, 512))
    targets = [{"boxes": torch.tensor([[40.0, 60.0, 200.0, 300.0], [250.0, 100.0, 480.0, 400.0]]),
                "labels": torch.tensor([1, 1])} for _ in range(2)]

    def step():
        losses = model(images, targets)
        total = sum(losses.values())
        opt.zero_grad()
        total.backward()
        opt.step()

    model.train()
    step()  # warm-up
    t0 = time.perf_counter()
    for _ in range(steps):
        step()
    step_s = (time.perf_counter() - t0) / steps

    if profile:
        from torch.profiler import profile as prof, ProfilerActivity
        with prof(activities=[ProfilerActivity.CPU]) as p:
            step()
        print(p.key_averages().table(sort_by="self_cpu_time_total", row_limit=25), file=sys.stderr)

    model.eval()
    with torch.no_grad():
        model(images[:1])
        t0 = time.perf_counter()
        for _ in range(steps):
            model(images[:1])
        infer_s = (time.perf_counter() - t0) / steps
    print(json.dumps({"step_s": step_s, "infer_s": infer_s}))


if __name__ == "__main__":
    main()
