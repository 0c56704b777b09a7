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

echo "== audit of fixtures/cohort with protocols/ct-robustness.yaml"
variants=$(($(wc -l < fixtures/cohort/cases.csv) - 1))
for jobs in 1 2; do
  best=""
  for _ in $(seq "$ROUNDS"); do
    rm -rf "$T/audit"
    /usr/bin/time -f "%e %M" -o "$T/time" "$BIN" audit --protocol protocols/ct-robustness.yaml \
      --cases fixtures/cohort/cases.csv --output "$T/audit" --jobs "$jobs" >/dev/null 2>&1
    read -r seconds rss < "$T/time"
    best=$(printf '%s\n%s %s\n' "$best" "$seconds" "$rss" | sed '/^$/d' | sort -n | head -1)
  done
  runs=$(($(wc -l < "$T/audit/variants.csv") - 1))
  read -r seconds rss <<< "$best"
  echo "jobs $jobs: $seconds s for $runs case × variants ($(python3 -c "print(f'{$runs/$seconds:.1f}')") per second), peak RSS $((rss / 1024)) MB"
done
echo "== one extraction of fixtures/cohort/case1 (for the per-variant cost of the audit)"
/usr/bin/time -f "%e s, peak RSS %M KB" "$BIN" extract --image fixtures/cohort/case1_image.nii.gz \
  --mask fixtures/cohort/case1_mask.nii.gz --protocol protocols/ct-robustness.yaml --output "$T/case1.csv"
