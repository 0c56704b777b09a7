#!/usr/bin/env bash
# Filtered features, side by side (BENCHMARKS.md): pyradiomics with its default image types Original, LoG (σ 1–5 mm)
# and Wavelet against `radaudit extract` with the equivalent protocol (scripts/bench/filters-*.yaml), whole processes,
# alternating round by round, on pyradiomics' lung2 CT and the IBSI CT phantom resampled to 1 mm.
# usage: scripts/filter-benchmark.sh [ROUNDS]   (needs ../shared beside the repository; pyradiomics from its peer-bench)
set -euo pipefail
ROUNDS=${1:-3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
swift build -c release >/dev/null
BIN=$ROOT/.build/release/radaudit
V=$(../shared/tools/peer-bench/setup.sh)
DATA=$(cd ../shared/data && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
run_case() { # name image mask protocol resample
  local name=$1 img=$2 msk=$3 proto=$4 res=$5
  for _ in $(seq "$ROUNDS"); do
    /usr/bin/time -f "%e %M" -o "$T/ra.t" "$BIN" extract --image "$img" --mask "$msk" --protocol "$proto" --output "$T/ra.csv" >/dev/null 2>&1
    /usr/bin/time -f "%e %M" -o "$T/pr.t" "$V/bin/python" scripts/bench/pyradiomics_filters.py "$img" "$msk" ${res:+--resample $res} >/dev/null 2>&1
    echo "$(tail -1 "$T/ra.t") $(tail -1 "$T/pr.t")" >> "$T/$name.times"
  done
  python3 - "$name" "$T/$name.times" "$(($(wc -l < "$T/ra.csv") - 1))" <<'PY'
import statistics, sys
name, path, count = sys.argv[1], sys.argv[2], sys.argv[3]
rows = [tuple(map(float, l.split())) for l in open(path) if len(l.split()) == 4]
ra = statistics.median(r[0] for r in rows); pr = statistics.median(r[2] for r in rows)
ratios = sorted(r[2] / r[0] for r in rows)
print(f"{name}: radaudit {ra:.2f} s {max(r[1] for r in rows) / 1024:.0f} MB ({count} features), "
      f"pyradiomics {pr:.2f} s {max(r[3] for r in rows) / 1024:.0f} MB, speed-up {statistics.median(ratios):.1f}x (min {ratios[0]:.1f}x)")
PY
}
run_case lung2 "$DATA/pyradiomics_samples/lung2_image.nrrd" "$DATA/pyradiomics_samples/lung2_label.nrrd" scripts/bench/filters-fbs25.yaml ""
run_case ibsi-ct-1mm "$DATA/ibsi1/ct_phantom/nifti/image/phantom.nii.gz" "$DATA/ibsi1/ct_phantom/nifti/mask/mask.nii.gz" \
  scripts/bench/filters-1mm-fbs25.yaml "1,1,1"
