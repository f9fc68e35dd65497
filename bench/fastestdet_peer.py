#!/usr/bin/python3
"""Python peer of bench_train_fastestdet: the FastestDet network (ShuffleNetV2-0.5x, SPP neck,
decoupled head) in PyTorch with the same loss (SIoU x8, objectness smooth-L1 x16, class NLL),
AdamW, batch 16 at 352 x 352, and the same augmentation (stretch, zoom 0.5-1.5 about the centre,
YOLOv5 HSV, horizontal flip), images decoded and augmented in the main process as upstream's
training script does.

Usage: /usr/bin/python3 bench/fastestdet_peer.py CSV IMAGES_DIR [steps]
Prints one JSON line: {"step_images_per_s": .., "loop_images_per_s": .., "threads": ..}.
"""
import csv
import json
import math
import os
import random
import sys
import time

import cv2
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

SIZE, BATCH = 352, 16


def conv(i, o, k, s=1, g=1):
    return nn.Conv2d(i, o, k, s, k // 2, groups=g, bias=False)


class Block(nn.Module):
    def __init__(self, inp, oup, mid, stride):
        super().__init__()
        self.stride = stride
        self.branch_main = nn.Sequential(conv(inp, mid, 1), nn.BatchNorm2d(mid), nn.ReLU(inplace=True),
                                         conv(mid, mid, 3, stride, mid), nn.BatchNorm2d(mid),
                                         conv(mid, oup - inp, 1), nn.BatchNorm2d(oup - inp), nn.ReLU(inplace=True))
        if stride == 2:
            self.branch_proj = nn.Sequential(conv(inp, inp, 3, 2, inp), nn.BatchNorm2d(inp),
                                             conv(inp, inp, 1), nn.BatchNorm2d(inp), nn.ReLU(inplace=True))

    def forward(self, x):
        if self.stride == 1:
            b, c, h, w = x.shape
            p = x.reshape(b, c // 2, 2, h, w)
            return torch.cat((p[:, :, 0], self.branch_main(p[:, :, 1])), 1)
        return torch.cat((self.branch_proj(x), self.branch_main(x)), 1)


class Backbone(nn.Module):
    def __init__(self):
        super().__init__()
        w = [24, 48, 96, 192]
        self.first_conv = nn.Sequential(conv(3, 24, 3, 2), nn.BatchNorm2d(24), nn.ReLU(inplace=True))
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        inp = 24
        for name, out, n in (("stage2", 48, 4), ("stage3", 96, 8), ("stage4", 192, 4)):
            blocks = [Block(inp, out, out // 2, 2)] + [Block(out // 2, out, out // 2, 1) for _ in range(n - 1)]
            setattr(self, name, nn.Sequential(*blocks))
            inp = out

    def forward(self, x):
        x = self.maxpool(self.first_conv(x))
        c2 = self.stage2(x)
        c3 = self.stage3(c2)
        return c2, c3, self.stage4(c3)


def pointwise(i, o):
    return nn.Sequential(conv(i, o, 1), nn.BatchNorm2d(o), nn.ReLU(inplace=True))


def branch(i, o):
    return nn.Sequential(conv(i, i, 5, 1, i), nn.BatchNorm2d(i), nn.ReLU(inplace=True), conv(i, o, 1), nn.BatchNorm2d(o))


def tower(c, n):
    layers = []
    for _ in range(n):
        layers += [conv(c, c, 5, 1, c), nn.BatchNorm2d(c), nn.ReLU(inplace=True)]
    return nn.Sequential(*layers)


class Net(nn.Module):
    def __init__(self, nc):
        super().__init__()
        self.backbone = Backbone()
        self.neck_in = pointwise(336, 96)
        self.towers = nn.ModuleList([tower(96, 1), tower(96, 2), tower(96, 3)])
        self.neck_out = nn.Sequential(conv(288, 96, 1), nn.BatchNorm2d(96))
        self.head_in = pointwise(96, 96)
        self.obj, self.reg, self.cls = branch(96, 1), branch(96, 4), branch(96, nc)

    def forward(self, x):
        c2, c3, c4 = self.backbone(x.flip(1))
        p = torch.cat((F.avg_pool2d(c2, 3, 2, 1), c3, F.interpolate(c4, scale_factor=2.0, mode="nearest")), 1)
        y = self.neck_in(p)
        y = F.relu(y + self.neck_out(torch.cat([t(y) for t in self.towers], 1)))
        y = self.head_in(y)
        return torch.cat((self.obj(y), self.reg(y), self.cls(y)), 1)


def siou(a, b, eps=1e-7):
    ax0, ax1, ay0, ay1 = a[:, 0] - a[:, 2] / 2, a[:, 0] + a[:, 2] / 2, a[:, 1] - a[:, 3] / 2, a[:, 1] + a[:, 3] / 2
    bx0, bx1, by0, by1 = b[:, 0] - b[:, 2] / 2, b[:, 0] + b[:, 2] / 2, b[:, 1] - b[:, 3] / 2, b[:, 1] + b[:, 3] / 2
    inter = (torch.min(ax1, bx1) - torch.max(ax0, bx0)).clamp(0) * (torch.min(ay1, by1) - torch.max(ay0, by0)).clamp(0)
    iou = inter / (a[:, 2] * a[:, 3] + b[:, 2] * b[:, 3] - inter + eps)
    cw = torch.max(ax1, bx1) - torch.min(ax0, bx0) + eps
    ch = torch.max(ay1, by1) - torch.min(ay0, by0) + eps
    dx, dy = b[:, 0] - a[:, 0] + eps, b[:, 1] - a[:, 1] + eps
    d = torch.sqrt(dx * dx + dy * dy)
    sx, sy = dx.abs() / d, dy.abs() / d
    sin_a = torch.where(sx > math.sqrt(2) / 2, sy, sx)
    gamma = torch.cos(torch.arcsin(sin_a) * 2 - math.pi / 2) - 2
    dist = 2 - torch.exp(gamma * (dx / cw) ** 2) - torch.exp(gamma * (dy / ch) ** 2)
    ow = (a[:, 2] - b[:, 2]).abs() / torch.max(a[:, 2], b[:, 2]).clamp(min=eps)
    oh = (a[:, 3] - b[:, 3]).abs() / torch.max(a[:, 3], b[:, 3]).clamp(min=eps)
    shape = (1 - torch.exp(-ow)) ** 4 + (1 - torch.exp(-oh)) ** 4
    return iou - 0.5 * (dist + shape)


def loss_fn(logits, t):
    B, C, H, W = logits.shape
    pred = logits.permute(0, 2, 3, 1)
    pobj = pred[..., 0].sigmoid()
    tobj = torch.zeros_like(pobj)
    weight = torch.full_like(pobj, 0.75)
    gx, gy = t[:, 2] * W, t[:, 3] * H
    cx, cy = gx.floor().clamp(0, W - 1), gy.floor().clamp(0, H - 1)
    sx = torch.where(gx - cx >= 0.5, 1.0, -1.0)
    sy = torch.where(gy - cy >= 0.5, 1.0, -1.0)
    ix = torch.cat((cx, cx + sx, cx, cx + sx))
    iy = torch.cat((cy, cy, cy + sy, cy + sy))
    rows = torch.arange(t.shape[0]).repeat(4)
    keep = (ix >= 0) & (ix < W) & (iy >= 0) & (iy < H)
    rows, ix, iy = rows[keep], ix[keep].long(), iy[keep].long()
    b, cls = t[rows, 0].long(), t[rows, 1].long()
    truth = torch.stack((gx, gy, t[:, 4] * W, t[:, 5] * H), 1)[rows]
    p = pred[b, iy, ix]
    box = torch.stack((p[:, 1].tanh() + ix, p[:, 2].tanh() + iy, p[:, 3].sigmoid() * W, p[:, 4].sigmoid() * H), 1)
    iou = siou(box, truth)
    iou_loss = (1 - iou).mean()
    cls_loss = F.nll_loss(F.log_softmax(p[:, 5:], 1), cls) if C > 6 else torch.zeros(())
    tobj[b, iy, ix] = iou.detach().clamp(0)
    n = torch.bincount(b, minlength=B).float()
    weight[b, iy, ix] = H * W * 0.25 / n[b]
    obj_loss = (F.smooth_l1_loss(pobj, tobj, reduction="none") * weight).mean()
    return 8 * iou_loss + 16 * obj_loss + cls_loss


def hsv(img, rng):
    r = rng.uniform(-1, 1, 3) * [0.015, 0.7, 0.4] + 1
    h, s, v = cv2.split(cv2.cvtColor(img, cv2.COLOR_BGR2HSV))
    x = np.arange(0, 256, dtype=r.dtype)
    lut_h = ((x * r[0]) % 180).astype(np.uint8)
    lut_s = np.clip(x * r[1], 0, 255).astype(np.uint8)
    lut_v = np.clip(x * r[2], 0, 255).astype(np.uint8)
    return cv2.cvtColor(cv2.merge((cv2.LUT(h, lut_h), cv2.LUT(s, lut_s), cv2.LUT(v, lut_v))), cv2.COLOR_HSV2BGR)


def sample(path, boxes, rng):
    img = cv2.imread(path)
    h0, w0 = img.shape[:2]
    r = SIZE / max(h0, w0)
    img = cv2.resize(img, (max(1, round(w0 * r)), max(1, round(h0 * r))), interpolation=cv2.INTER_AREA if r < 1 else cv2.INTER_LINEAR)
    img = cv2.resize(img, (SIZE, SIZE), interpolation=cv2.INTER_LINEAR)
    b = np.array([bx[1:] for bx in boxes], dtype=np.float64) * [SIZE / w0, SIZE / h0, SIZE / w0, SIZE / h0]
    s = rng.uniform(0.5, 1.5)
    M = np.array([[s, 0, (1 - s) * SIZE / 2], [0, s, (1 - s) * SIZE / 2]])
    img = cv2.warpAffine(img, M, (SIZE, SIZE), borderValue=(114, 114, 114))
    b = b * s + (1 - s) * SIZE / 2
    b = b.clip(0, SIZE)
    img = hsv(img, rng)
    if rng.random() < 0.5:
        img = img[:, ::-1]
        b[:, [0, 2]] = SIZE - b[:, [2, 0]]
    cls = np.array([bx[0] for bx in boxes], dtype=np.float64)
    ok = (b[:, 2] - b[:, 0] > 2) & (b[:, 3] - b[:, 1] > 2)
    return np.ascontiguousarray(img[:, :, ::-1]), cls[ok], b[ok]


def batch(items, rng):
    imgs, rows = [], []
    for i, (path, boxes) in enumerate(items):
        img, cls, b = sample(path, boxes, rng)
        imgs.append(torch.from_numpy(img))
        for c, bb in zip(cls, b):
            rows.append([i, c, (bb[0] + bb[2]) / 2 / SIZE, (bb[1] + bb[3]) / 2 / SIZE, (bb[2] - bb[0]) / SIZE, (bb[3] - bb[1]) / SIZE])
    x = torch.stack(imgs).permute(0, 3, 1, 2).float().div_(255)
    return x, torch.tensor(rows, dtype=torch.float32).reshape(-1, 6)


def main():
    csv_path, images_dir = sys.argv[1], sys.argv[2]
    steps = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    torch.set_num_threads(os.cpu_count())
    per_image, classes = {}, {}
    with open(csv_path) as f:
        for row in csv.DictReader(f):
            c = classes.setdefault(row["class"], len(classes))
            per_image.setdefault(row["filename"], []).append((c, float(row["xmin"]), float(row["ymin"]), float(row["xmax"]), float(row["ymax"])))
    items = [(os.path.join(images_dir, k), v) for k, v in per_image.items()]
    rng = np.random.default_rng(0)
    torch.manual_seed(0)
    net = Net(len(classes))
    net.train()
    opt = torch.optim.AdamW(net.parameters(), lr=0.002, weight_decay=0.0005)

    def step(x, t):
        opt.zero_grad()
        loss_fn(net(x), t).backward()
        opt.step()

    x, t = batch(items[:BATCH], rng)
    for _ in range(3):
        step(x, t)
    start = time.perf_counter()
    for _ in range(steps):
        step(x, t)
    step_rate = steps * BATCH / (time.perf_counter() - start)

    order = list(range(len(items)))
    random.Random(0).shuffle(order)
    start, done, pos = time.perf_counter(), 0, 0
    for _ in range(steps):
        if pos + BATCH > len(order):
            random.Random(pos).shuffle(order)
            pos = 0
        x, t = batch([items[i] for i in order[pos:pos + BATCH]], rng)
        pos += BATCH
        step(x, t)
        done += BATCH
    loop_rate = done / (time.perf_counter() - start)
    print(json.dumps({"step_images_per_s": step_rate, "loop_images_per_s": loop_rate, "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
