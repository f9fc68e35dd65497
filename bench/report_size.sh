#!/usr/bin/env bash
# Size and writing time of the HTML report of a 20-epoch job with 60 validation images: the demo's
# data (`data synth --images 300 --seed 1`, 240 train / 60 validation) and model (yolov5 nano,
# AdamW 0.005), at IMAGE_SIZE px (default 320, the example job's; smaller trains faster and gives
# the same report size, which the images' count and the predictions set).
set -euo pipefail
BUILD=$(realpath "${1:-build}")
OUT=${2:-/tmp/autodet-bench-report}
IMAGE_SIZE=${IMAGE_SIZE:-320}
cd "$(dirname "$0")/.."
rm -rf "$OUT"
"$BUILD/autodet" -q data synth --out "$OUT/synth" --images 300 --seed 1
sed "s|path: ../../demo-out/synth|path: $OUT/synth|" examples/jobs/synth-yolov5.yml > "$OUT/job.yml"
"$BUILD/autodet" -q train "$OUT/job.yml" --workspace "$OUT/ws" --set name=bench --set model_size=nano \
  --set learning_rate=0.005 --set number_of_epochs=20 --set early_stopping=false --set warmup_cosine_lr_warmup_epochs=1 \
  --set image_size="$IMAGE_SIZE" --set pretrained_weights=none
for run in 1 2 3; do
  start=$(date +%s.%N)
  "$BUILD/autodet" -q report bench --workspace "$OUT/ws" --out "$OUT/report" >/dev/null
  end=$(date +%s.%N)
  echo "run $run: report written in $(echo "$end - $start" | bc) s"
done
/usr/bin/python3 - "$OUT" <<'PYEOF'
import json, os, sys
out = sys.argv[1]
page = open(os.path.join(out, "report/report.html"), encoding="utf-8").read()
marker = '<script type="application/json" id="report-data">'
start = page.index(marker)
data = json.loads(page[start + len(marker):page.index("</script>", start)])
ev = data["evaluation"]
print(f"report.html: {os.path.getsize(os.path.join(out, 'report/report.html')) / 1e6:.2f} MB; "
      f"{ev['metrics']['images']} validation images, {ev['metrics']['predictions']} predictions, "
      f"{len(ev['gallery'])} thumbnails, {len(data['job']['trials'][0]['metrics']['mean_average_precision'])} evaluated epochs")
PYEOF
