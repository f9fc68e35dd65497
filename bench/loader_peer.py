#!/usr/bin/python3
"""Python peer of bench_loader's validation path: torchvision decode + letterbox to 320x320 + batch 16.

Usage: AUTODET_LOADER_BENCH_DIR=/tmp/lb build/bench/bench_loader --benchmark_filter=Val
       /usr/bin/python3 bench/loader_peer.py /tmp/lb
Prints images/s for a plain loop (1 thread) and for torch.utils.data.DataLoader with 1 and 2 workers.
"""
import glob
import os
import sys
import time

import torch
import torch.nn.functional as F
import torchvision.io as io

SIZE, BATCH = 320, 16


def letterbox(path):
    img = io.decode_jpeg(io.read_file(path))  # uint8 (3, H, W), RGB
    _, h, w = img.shape
    r = SIZE / max(h, w)
    nh, nw = max(1, round(h * r)), max(1, round(w * r))
    if (nh, nw) != (h, w):
        mode = "area" if r < 1 else "bilinear"
        kwargs = {} if mode == "area" else {"align_corners": False}
        img = F.interpolate(img[None].float(), size=(nh, nw), mode=mode, **kwargs)[0].round().clamp(0, 255).byte()
    top, left = (SIZE - nh) // 2, (SIZE - nw) // 2
    return F.pad(img, (left, SIZE - nw - left, top, SIZE - nh - top), value=114)


class Images(torch.utils.data.Dataset):
    def __init__(self, paths):
        self.paths = paths

    def __len__(self):
        return len(self.paths)

    def __getitem__(self, i):
        return letterbox(self.paths[i])


def rate(fn, n_images, min_time=2.0):
    fn()  # warm-up
    t0, n = time.perf_counter(), 0
    while time.perf_counter() - t0 < min_time:
        fn()
        n += n_images
    return n / (time.perf_counter() - t0)


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("AUTODET_LOADER_BENCH_DIR", "")
    paths = sorted(glob.glob(os.path.join(folder, "images", "*.jpg")))
    if not paths:
        sys.exit(f"no images under {folder}/images (run bench_loader with AUTODET_LOADER_BENCH_DIR first)")
    torch.set_num_threads(1)

    def loop():
        for s in range(0, len(paths), BATCH):
            torch.stack([letterbox(p) for p in paths[s:s + BATCH]])

    print(f"torchvision decode + letterbox, {len(paths)} images, batch {BATCH}")
    print(f"plain loop, 1 thread     : {rate(loop, len(paths)):7.1f} images/s")
    for workers in (1, 2):
        dl = torch.utils.data.DataLoader(Images(paths), batch_size=BATCH, num_workers=workers, persistent_workers=True)

        def epoch():
            for _ in dl:
                pass

        print(f"DataLoader, {workers} worker(s)  : {rate(epoch, len(paths)):7.1f} images/s")


if __name__ == "__main__":
    main()
