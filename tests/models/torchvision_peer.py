"""Reference values from torchvision for the C++ box-op and NMS tests.

Usage: torchvision_peer.py IN.json OUT.json
IN: {"cases": [case, ...]}, each case {"boxes": [[x0,y0,x1,y1],...], "scores": [...], "idxs": [...],
     "iou_threshold": t, "boxes2": [[...],...]} (keys optional except what each output needs)
OUT: {"torchvision": version, "cases": [answer, ...]}, each answer {"nms": [...], "batched_nms": [...],
     "box_iou": [[...]], "generalized_box_iou": [[...]], "distance_box_iou": [[...]] and
     "complete_box_iou": [[...]] (these two when torchvision has them)}
One process answers many cases: importing torch takes most of the time.
Exit code 3 when torch or torchvision cannot be imported (the C++ test then skips).
"""
import json
import sys

try:
    import torch
    import torchvision
    from torchvision import ops
except Exception as e:  # noqa: BLE001
    print(f"torchvision unavailable: {e}", file=sys.stderr)
    sys.exit(3)


def answer(data):
    out = {}
    boxes = torch.tensor(data["boxes"], dtype=torch.float32).view(-1, 4)
    if "scores" in data:
        scores = torch.tensor(data["scores"], dtype=torch.float32)
        thr = float(data["iou_threshold"])
        out["nms"] = ops.nms(boxes, scores, thr).tolist()
        if "idxs" in data:
            idxs = torch.tensor(data["idxs"], dtype=torch.int64)
            out["batched_nms"] = ops.batched_nms(boxes, scores, idxs, thr).tolist()
    if "boxes2" in data:
        boxes2 = torch.tensor(data["boxes2"], dtype=torch.float32).view(-1, 4)
        out["box_iou"] = ops.box_iou(boxes, boxes2).tolist()
        out["generalized_box_iou"] = ops.generalized_box_iou(boxes, boxes2).tolist()
        if hasattr(ops, "distance_box_iou"):
            out["distance_box_iou"] = ops.distance_box_iou(boxes, boxes2).tolist()
        if hasattr(ops, "complete_box_iou"):
            out["complete_box_iou"] = ops.complete_box_iou(boxes, boxes2).tolist()
    return out


def main():
    with open(sys.argv[1]) as f:
        request = json.load(f)
    out = {"torchvision": torchvision.__version__, "cases": [answer(c) for c in request["cases"]]}
    with open(sys.argv[2], "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
