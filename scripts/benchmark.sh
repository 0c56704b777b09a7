#!/usr/bin/env bash
# Benchmarks of radaudit, as recorded in BENCHMARKS.md. Whole processes, alternating the tools round by round so that
# the machine's drift hits all of them; medians of the rounds, with the spread.
#  1. Extraction against pyradiomics (../shared/tools/peer-bench/compare.sh): pyradiomics lung2 CT, IBSI CT phantom at 1 mm.
#  2. Extraction of a synthetic CT (512×512×120, resampled to 1 mm): radaudit, pyradiomics and nyxus.
#  3. The audit of 5 synthetic CT cases × 20 variants (scripts/bench/audit-ct-20-variants.yaml) with --jobs 1 and 2,
#     and the same work as a pyradiomics loop (scripts/bench/pyradiomics_audit.py): wall time, CPU time, peak RSS,
#     the cost of a variant against one `radaudit extract` of the same case.
#  4. The audit of the fixture cohort (protocols/ct-robustness.yaml) with --jobs 1 and --jobs 2.
# usage: scripts/benchmark.sh [ROUNDS] [PYRADIOMICS_AUDIT_ROUNDS]   (defaults 5 and 1: the pyradiomics loop takes ~8 min)
# The peers come from ../shared/tools/peer-bench/setup.sh's environment (nyxus is added to it); parts 1–3 are skipped
# without ../shared. The synthetic cases are made once by scripts/bench/synthetic_ct.py into $RADAUDIT_BENCH_DATA
# (default ~/.cache/radaudit-bench/synthetic-ct).
set -euo pipefail
ROUNDS=${1:-5}
PYRADIOMICS_ROUNDS=${2:-1}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
swift build -c release >/dev/null
BIN=$ROOT/.build/release/radaudit
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
# "wall user sys maxrss_kb" of a command, appended to a file.
timed() { local out=$1; shift; /usr/bin/time -f "%e %U %S %M" -a -o "$out" "$@" >/dev/null 2>"$T/last.err" || { cat "$T/last.err" >&2; return 1; }; }

PEERS=""
if [ -x ../shared/tools/peer-bench/setup.sh ]; then
  PEERS=$(../shared/tools/peer-bench/setup.sh)
  "$PEERS/bin/python" -c "import nyxus" 2>/dev/null || "$PEERS/bin/pip" install -q nyxus
  echo "== 1. extraction: radaudit vs pyradiomics (median of $ROUNDS alternating rounds)"
  ../shared/tools/peer-bench/compare.sh "$BIN" "$ROUNDS"
else
  echo "== 1–3 skipped: ../shared/tools/peer-bench not found"
fi

if [ -n "$PEERS" ]; then
  DATA=${RADAUDIT_BENCH_DATA:-$HOME/.cache/radaudit-bench/synthetic-ct}
  [ -f "$DATA/cases.csv" ] || "$PEERS/bin/python" scripts/bench/synthetic_ct.py "$DATA" 5
  PROTOCOL=$ROOT/scripts/bench/audit-ct-20-variants.yaml
  echo "== 2. extraction of synthetic case3 (512×512×120, resampled to 1 mm; nyxus on the original grid), $ROUNDS rounds"
  for _ in $(seq "$ROUNDS"); do
    timed "$T/extract.ra" "$BIN" extract --image "$DATA/case3_image.nii.gz" --mask "$DATA/case3_mask.nii.gz" \
      --protocol "$PROTOCOL" --output "$T/case3.csv"
    timed "$T/extract.pr" "$PEERS/bin/python" ../shared/tools/peer-bench/pyradiomics_extract.py \
      "$DATA/case3_image.nii.gz" "$DATA/case3_mask.nii.gz" --resample 1,1,1
    timed "$T/extract.ny" "$PEERS/bin/python" scripts/bench/nyxus_extract.py "$DATA/case3_image.nii.gz" "$DATA/case3_mask.nii.gz"
  done
  echo "== 3. audit of 5 synthetic CT cases × 20 variants: radaudit --jobs 1 and 2 ($ROUNDS rounds), pyradiomics loop ($PYRADIOMICS_ROUNDS)"
  for round in $(seq "$ROUNDS"); do
    for jobs in 2 1; do
      rm -rf "$T/audit"
      timed "$T/audit.$jobs" "$BIN" audit --protocol "$PROTOCOL" --cases "$DATA/cases.csv" --output "$T/audit" --jobs "$jobs"
    done
    timed "$T/report.ra" "$BIN" report "$T/audit"
    if [ "$round" -le "$PYRADIOMICS_ROUNDS" ]; then
      timed "$T/audit.pr" "$PEERS/bin/python" scripts/bench/pyradiomics_audit.py "$DATA/cases.csv"
    fi
  done
  runs=$(($(wc -l < "$T/audit/variants.csv") - 1))
  python3 - "$T" "$runs" <<'PY'
import statistics, sys
d, runs = sys.argv[1], int(sys.argv[2])
def rows(name): return [tuple(map(float, l.split())) for l in open(f"{d}/{name}") if len(l.split()) == 4]
def summary(name):
    r = rows(name); wall = [x[0] for x in r]; cpu = [x[1] + x[2] for x in r]
    return statistics.median(wall), min(wall), max(wall), statistics.median(cpu), max(x[3] for x in r) / 1024
def line(label, name):
    m, lo, hi, cpu, rss = summary(name)
    print(f"  {label}: {m:.2f} s (range {lo:.2f}–{hi:.2f}), CPU {cpu:.2f} s, peak RSS {rss:.0f} MB")
    return m, cpu, rss
print("extraction of case3:")
ra, ra_cpu, _ = line("radaudit extract", "extract.ra")
pr, _, _ = line("pyradiomics", "extract.pr")
ny, _, _ = line("nyxus", "extract.ny")
print(f"  pyradiomics {pr / ra:.1f}x slower, nyxus {ny / ra:.1f}x slower than radaudit")
print(f"audit of {runs} case x variants:")
j2, j2_cpu, _ = line("radaudit --jobs 2", "audit.2")
j1, j1_cpu, _ = line("radaudit --jobs 1", "audit.1")
rep, rep_cpu, _ = line("radaudit report (the report and record alone)", "report.ra")
py, _, _ = line("pyradiomics loop", "audit.pr")
ratios = sorted(a[0] / b[0] for a, b in zip(rows("audit.1"), rows("audit.2")))
print(f"  --jobs 2 is {statistics.median(ratios):.2f}x faster than --jobs 1 (median of the rounds' ratios; min {ratios[0]:.2f}x)")
print(f"  radaudit --jobs 2 is {py / j2:.1f}x faster than the pyradiomics loop")
per_variant = (j1_cpu - rep_cpu) / runs
print(f"  CPU per variant (jobs 1, without the report and record): {per_variant * 1000:.0f} ms = "
      f"{per_variant / ra_cpu:.2f}x one radaudit extract of case3 ({ra_cpu * 1000:.0f} ms CPU)")
PY
fi

echo "== 4. audit of fixtures/cohort with protocols/ct-robustness.yaml (--jobs 1 and --jobs 2 alternating, $ROUNDS rounds)"
for _ in $(seq "$ROUNDS"); do
  for jobs in 1 2; do
    rm -rf "$T/cohort"
    timed "$T/cohort.$jobs" "$BIN" audit --protocol protocols/ct-robustness.yaml --cases fixtures/cohort/cases.csv \
      --output "$T/cohort" --jobs "$jobs"
  done
  timed "$T/cohort.report" "$BIN" report "$T/cohort"
  timed "$T/cohort.extract" "$BIN" extract --image fixtures/cohort/case1_image.nii.gz --mask fixtures/cohort/case1_mask.nii.gz \
    --protocol protocols/ct-robustness.yaml --output "$T/case1.csv"
done
runs=$(($(wc -l < "$T/cohort/variants.csv") - 1))
python3 - "$T" "$runs" <<'PY'
import statistics, sys
d, runs = sys.argv[1], int(sys.argv[2])
def rows(name): return [tuple(map(float, l.split())) for l in open(f"{d}/{name}") if len(l.split()) == 4]
times = {j: [r[0] for r in rows(f"cohort.{j}")] for j in ("1", "2")}
for j in ("1", "2"):
    m = statistics.median(times[j])
    print(f"jobs {j}: {m:.2f} s for {runs} case x variants ({runs / m:.0f} per second), peak RSS {max(r[3] for r in rows(f'cohort.{j}')) / 1024:.0f} MB")
ratios = sorted(a / b for a, b in zip(times["1"], times["2"]))
print(f"jobs 2 vs jobs 1: {statistics.median(ratios):.2f}x faster (median of the rounds' ratios; min {ratios[0]:.2f}x)")
report = statistics.median(r[0] for r in rows("cohort.report"))
extract = statistics.median(r[0] for r in rows("cohort.extract"))
per_variant = (statistics.median(times["1"]) - report) / runs
print(f"cost per variant (jobs 1, without the {report:.2f} s report and record): {per_variant * 1000:.1f} ms; "
      f"one radaudit extract of case1: {extract * 1000:.0f} ms ({per_variant / extract:.2f}x)")
PY
