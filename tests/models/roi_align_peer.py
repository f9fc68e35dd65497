"""torchvision.ops.roi_align as the reference for autodet's RoIAlign test.

Usage: roi_align_peer.py IN.json OUT.json
IN: {"cases": [{"input": [N, C, H, W] nested list, "rois": [[b, x0, y0, x1, y1], ...],
     "scale", "pooled": [h, w], "sampling_ratio", "aligned", "weights": nested like the output}]}
OUT: {"cases": [{"output": nested list, "grad": d sum(output * weights) / d input}]}
Exit code 3 when torch or torchvision cannot be imported (the C++ test then skips).
"""
import json
import sys

try:
    import torch
    from torchvision.ops import roi_align
except Exception as e:  # noqa: BLE001
    print(f"torchvision unavailable: {e}", file=sys.stderr)
    sys.exit(3)


def answer(c):
    x = torch.tensor(c["input"], dtype=torch.float32, requires_grad=True)
    rois = torch.tensor(c["rois"], dtype=torch.float32).view(-1, 5)
    out = roi_align(x, rois, output_size=tuple(c["pooled"]), spatial_scale=c["scale"],
                    sampling_ratio=c["sampling_ratio"], aligned=c["aligned"])
    w = torch.tensor(c["weights"], dtype=torch.float32)
    (out * w).sum().backward()
    return {"output": out.detach().tolist(), "grad": x.grad.tolist()}


def main():
    with open(sys.argv[1]) as f:
        request = json.load(f)
    with open(sys.argv[2], "w") as f:
        json.dump({"cases": [answer(c) for c in request["cases"]]}, f)


if __name__ == "__main__":
    main()
