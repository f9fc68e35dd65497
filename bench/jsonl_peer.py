"""Peer for bench_jsonl: the way Azure's Python runtime reads a JSONL annotation file
(json.loads per line, float() on each coordinate, validity check, pixel conversion)."""
import json
import sys
import time


def read(path):
    images = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            rec = json.loads(line)
            w = int(rec["image_details"]["width"])
            h = int(rec["image_details"]["height"])
            boxes = []
            for b in rec["label"]:
                x0, y0, x1, y1 = (float(b[k]) for k in ("topX", "topY", "bottomX", "bottomY"))
                if 0 <= x0 < x1 <= 1 and 0 <= y0 < y1 <= 1:
                    boxes.append((x0 * w, y0 * h, x1 * w, y1 * h, b["label"], str(b.get("isCrowd", 0)) in ("1", "true", "True")))
            images.append((rec["image_url"], w, h, boxes))
    return images


def main():
    path = sys.argv[1]
    best = float("inf")
    for _ in range(5):
        t = time.perf_counter()
        n = len(read(path))
        best = min(best, time.perf_counter() - t)
    print(f"{best * 1000:.1f} {n}")


if __name__ == "__main__":
    main()
