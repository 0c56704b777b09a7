#!/usr/bin/env bash
# Submits a RadAudit audit to Slurm as a job array of SHARDS shards (default 8) and a merge job that runs once every
# shard has succeeded; prints the two job ids. The merged audit lands in OUTDIR/merged and is byte-identical to a
# single `radaudit audit` of the whole cohort (docs/scale-out.md).
# usage: scripts/slurm/submit-audit.sh PROTOCOL CASES OUTDIR [SHARDS]
#   RADAUDIT=/path/to/radaudit   the binary (default: radaudit on PATH)
#   SBATCH_ARGS="--partition=x --time=2:00:00 --cpus-per-task=4"   passed to both submissions
set -euo pipefail
if [ $# -lt 3 ] || [ $# -gt 4 ]; then
  echo "usage: $0 PROTOCOL CASES OUTDIR [SHARDS]" >&2
  exit 64
fi
HERE=$(cd "$(dirname "$0")" && pwd)
absolute() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
PROTOCOL=$(absolute "$1") CASES=$(absolute "$2") OUTDIR=$(absolute "$3") SHARDS=${4:-8}
[ "$SHARDS" -ge 1 ] 2>/dev/null || { echo "$0: SHARDS must be a whole number ≥ 1 (got '$SHARDS')" >&2; exit 64; }
mkdir -p "$OUTDIR/logs"
export RADAUDIT=${RADAUDIT:-radaudit}
# shellcheck disable=SC2086
array=$(sbatch --parsable ${SBATCH_ARGS:-} --chdir="$OUTDIR/logs" --export=ALL --array=0-$((SHARDS - 1)) \
  "$HERE/audit-array.sbatch" "$PROTOCOL" "$CASES" "$OUTDIR" "$SHARDS")
array=${array%%;*}
# shellcheck disable=SC2086
merge=$(sbatch --parsable ${SBATCH_ARGS:-} --chdir="$OUTDIR/logs" --export=ALL --dependency=afterok:"$array" \
  "$HERE/merge.sbatch" "$OUTDIR" "$SHARDS")
merge=${merge%%;*}
echo "array job $array ($SHARDS shards), merge job $merge; results in $OUTDIR/merged"
echo "check: squeue -j $array,$merge"
echo "a failed shard K: sbatch --array=K-1 $HERE/audit-array.sbatch $PROTOCOL $CASES $OUTDIR $SHARDS"
echo "  (it resumes from its cache), then sbatch --dependency=afterok:<that job> $HERE/merge.sbatch $OUTDIR $SHARDS"
