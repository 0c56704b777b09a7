#!/usr/bin/env bash
# Benchmarks of radaudit, as recorded in BENCHMARKS.md.
#  1. Single extraction against pyradiomics on the same image, mask and settings
#     (../shared/tools/peer-bench/compare.sh: pyradiomics lung2 CT, IBSI CT phantom resampled to 1 mm).
#  2. The audit of the fixture cohort (protocols/ct-robustness.yaml) with --jobs 1 and --jobs 2: wall time,
#     case × variants per second and peak RSS, plus one extraction of the same case for the per-variant cost.
# usage: scripts/benchmark.sh [ROUNDS]     (run from anywhere; needs ../shared beside the repository for part 1)
set -euo pipefail
ROUNDS=${1:-3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
swift build -c release >/dev/null
BIN=$ROOT/.build/release/radaudit
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

if [ -x ../shared/tools/peer-bench/compare.sh ]; then
  echo "== extraction: radaudit vs pyradiomics (median of $ROUNDS alternating rounds)"
  ../shared/tools/peer-bench/compare.sh "$BIN" "$ROUNDS"
else
  echo "== extraction vs pyradiomics skipped: ../shared/tools/peer-bench not found"
fi

echo "== audit of fixtures/cohort with protocols/ct-robustness.yaml (--jobs 1 and --jobs 2 alternating, $ROUNDS rounds)"
for _ in $(seq "$ROUNDS"); do
  for jobs in 1 2; do
    rm -rf "$T/audit"
    /usr/bin/time -f "%e %M" -o "$T/time" "$BIN" audit --protocol protocols/ct-robustness.yaml \
      --cases fixtures/cohort/cases.csv --output "$T/audit" --jobs "$jobs" >/dev/null 2>&1
    echo "$jobs $(cat "$T/time")" >> "$T/audit.times"
  done
done
runs=$(($(wc -l < "$T/audit/variants.csv") - 1))
# The report and record alone (re-rendered from the tables), and one extraction of a case, for the cost per variant.
for _ in $(seq "$ROUNDS"); do
  /usr/bin/time -f "%e" -a -o "$T/report.times" "$BIN" report "$T/audit" >/dev/null 2>&1
  /usr/bin/time -f "%e" -a -o "$T/extract.times" "$BIN" extract --image fixtures/cohort/case1_image.nii.gz \
    --mask fixtures/cohort/case1_mask.nii.gz --protocol protocols/ct-robustness.yaml --output "$T/case1.csv" >/dev/null 2>&1
done
python3 - "$T" "$runs" <<'PY'
import statistics, sys
directory, runs = sys.argv[1], int(sys.argv[2])
rows = [line.split() for line in open(f"{directory}/audit.times")]
times = {j: [float(r[1]) for r in rows if r[0] == j] for j in ("1", "2")}
rss = {j: max(int(r[2]) for r in rows if r[0] == j) / 1024 for j in ("1", "2")}
ratios = sorted(a / b for a, b in zip(times["1"], times["2"]))
for j in ("1", "2"):
    m = statistics.median(times[j])
    print(f"jobs {j}: {m:.2f} s for {runs} case x variants ({runs / m:.0f} per second), peak RSS {rss[j]:.0f} MB")
print(f"jobs 2 vs jobs 1: {statistics.median(ratios):.2f}x faster (median of the rounds' ratios; min {ratios[0]:.2f}x)")
report = statistics.median(float(l) for l in open(f"{directory}/report.times"))
extract = statistics.median(float(l) for l in open(f"{directory}/extract.times"))
per_variant = (statistics.median(times["1"]) - report) / runs
print(f"cost per variant (jobs 1, without the {report:.2f} s report and record): {per_variant * 1000:.1f} ms; "
      f"one radaudit extract of case1: {extract * 1000:.0f} ms ({per_variant / extract:.2f}x)")
PY
