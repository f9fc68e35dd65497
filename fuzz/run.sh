#!/usr/bin/env bash
# Runs each reader fuzzer for a bounded time. Crashes are saved under fuzz/findings/; a crash
# is a bug: fix it and add the input as a regression test under tests/data/.
set -euo pipefail
BUILD=${1:-build-fuzz}
SECONDS_EACH=${2:-60}
cd "$(dirname "$0")/.."
mkdir -p fuzz/findings
status=0
for name in ${FUZZ_TARGETS:-jsonl coco voc yolo csv pth}; do
  work=$(mktemp -d)
  cp fuzz/corpus/$name/* "$work/"
  echo "== fuzz_$name for ${SECONDS_EACH}s"
  if ! "$BUILD/fuzz/fuzz_$name" "$work" -max_total_time="$SECONDS_EACH" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="fuzz/findings/${name}-" -print_final_stats=1 2>"$work.log"; then
    echo "fuzz_$name FOUND A CRASH OR HANG:"; grep -E "ERROR|SUMMARY|Test unit written" "$work.log" | head -20
    status=1
  else
    grep -E "stat::number_of_executed_units|cov:" "$work.log" | tail -2
  fi
  rm -rf "$work" "$work.log"
done
exit $status
