#!/usr/bin/env bash
# Runs every benchmark and prints each hot path's time next to its peer, measured in this run.
set -euo pipefail
BUILD=${1:-build}
cd "$(dirname "$0")/.."
PY=/usr/bin/python3

echo "== JSONL reading: 10,000 lines x 10 boxes, no image decode"
"$BUILD/bench/bench_jsonl" --benchmark_format=json --benchmark_out=/tmp/autodet_bench_jsonl.json --benchmark_out_format=json >/dev/null
ours=$($PY -c "import json;b=json.load(open('/tmp/autodet_bench_jsonl.json'))['benchmarks'][0];print(b['real_time'])")
peer=$($PY bench/jsonl_peer.py /tmp/autodet_bench_10k.jsonl | cut -d' ' -f1)
$PY - "$ours" "$peer" <<'PYEOF'
import sys
ours, peer = float(sys.argv[1]), float(sys.argv[2])
print(f"autodet read_jsonl: {ours:8.1f} ms   (target: well under 1000 ms)")
print(f"python json peer  : {peer:8.1f} ms   -> autodet is {peer / ours:.1f}x faster")
PYEOF

for b in "$BUILD"/bench/bench_*; do
  name=$(basename "$b")
  [ "$name" = bench_jsonl ] && continue
  [ "$name" = bench_train_fastestdet ] && continue
  [ "$name" = bench_train_rcnn ] && continue
  echo "== $name"
  "$b"
done

echo "== FastestDet training, batch 16 at 352 px, AdamW: autodet vs the same network in PyTorch (Python)"
# Shared machines drift by 1.5x within minutes, so autodet and the peer alternate for 3 rounds and
# the median of each round's ratio is the figure.
if [ -f ../shared/datasets/raccoon/train_labels.csv ]; then
  rounds=()
  for r in 1 2 3; do
    "$BUILD/bench/bench_train_fastestdet" --benchmark_format=json --benchmark_out=/tmp/autodet_bench_fastestdet.json \
      --benchmark_out_format=json >/dev/null
    peer=$($PY bench/fastestdet_peer.py ../shared/datasets/raccoon/train_labels.csv ../shared/datasets/raccoon/images 20)
    ours=$($PY -c "import json; print(json.dumps({b['name'].split('/')[0]: b['images/s'] for b in json.load(open('/tmp/autodet_bench_fastestdet.json'))['benchmarks']}))")
    rounds+=("{\"ours\": $ours, \"peer\": $peer}")
  done
  $PY - "${rounds[@]}" <<'PYEOF'
import json, statistics, sys
rounds = [json.loads(a) for a in sys.argv[1:]]
steps, loops = [], []
for i, r in enumerate(rounds, 1):
    o, p = r["ours"], r["peer"]
    steps.append(o["BM_FastestDetStep"] / p["step_images_per_s"])
    loops.append(o["BM_FastestDetLoop"] / p["loop_images_per_s"])
    print(f"round {i}: step autodet {o['BM_FastestDetStep']:5.1f} vs PyTorch {p['step_images_per_s']:5.1f} img/s;"
          f" loop autodet {o['BM_FastestDetLoop']:5.1f} vs PyTorch {p['loop_images_per_s']:5.1f} img/s")
print(f"one step (fixed batch)      : autodet/PyTorch median {statistics.median(steps):.2f}x")
print(f"whole loop (raccoon, loader): autodet/PyTorch median {statistics.median(loops):.2f}x  (target >= 2x)")
PYEOF
else
  echo "skipped: ../shared/datasets/raccoon is absent"
fi

echo "== torchvision's detectors (R50-FPN): training step (batch 2, 512 px) and batch-1 inference, autodet vs torchvision"
"$BUILD/bench/bench_train_rcnn" --benchmark_format=json --benchmark_out=/tmp/autodet_bench_rcnn.json --benchmark_out_format=json >/dev/null
for kind in fasterrcnn retinanet fcos; do
  peer=$($PY bench/rcnn_peer.py --model=$kind 2)
  $PY - "$kind" "$peer" <<'PYEOF'
import json, sys
kind, peer = sys.argv[1], json.loads(sys.argv[2])
name = {"fasterrcnn": "fasterrcnn_resnet50_fpn", "retinanet": "retinanet_resnet50_fpn", "fcos": "fcos_resnet50_fpn"}[kind]
ours = {"/".join(b["name"].split("/")[:2]): b["real_time"] / 1000 for b in json.load(open("/tmp/autodet_bench_rcnn.json"))["benchmarks"]}
s, i = ours["Step/" + name], ours["Infer/" + name]
target = " (target >= 2x)" if kind == "fasterrcnn" else ""
print(f"{name:24} training step: autodet {s:6.2f} s, torchvision {peer['step_s']:6.2f} s -> {peer['step_s'] / s:.2f}x{target}")
print(f"{name:24} inference    : autodet {i:6.2f} s, torchvision {peer['infer_s']:6.2f} s -> {peer['infer_s'] / i:.2f}x (target >= 1x)")
PYEOF
done
