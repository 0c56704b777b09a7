#!/usr/bin/env bash
# A real Slurm on this machine: brings up munged, slurmctld and slurmd (Debian's slurm-wlm and munge, installed when
# missing) with a generated slurm.conf under a temporary directory; submits the README's audit as 3 shards + merge
# with submit-audit.sh and checks that the merged tables are byte-identical to one `radaudit audit`; then does it again
# with one array task cancelled mid-run and run again (it resumes from its cache), and checks again. Stops the daemons it started, by
# their pids, and removes the directory.
# usage: scripts/slurm/test-local-cluster.sh      (as root; RADAUDIT=/path/to/radaudit, default: a release build)
# .ci/run runs it when RADAUDIT_SLURM_TEST=1.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
say() { echo "slurm-test: $*"; }
fail() { echo "slurm-test: FAILED: $*" >&2; exit 1; }

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  say "installing slurm-wlm and munge"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null
fi
if [ -z "${RADAUDIT:-}" ]; then
  swift build -c release >/dev/null
  RADAUDIT=$ROOT/.build/release/radaudit
fi
export RADAUDIT

T=$(mktemp -d /tmp/radaudit-slurm.XXXXXX)
chmod 755 "$T"
pids=()
cleanup() {
  for f in "$T/slurmd.pid" "$T/slurmctld.pid" "$T/munged.pid"; do
    [ -s "$f" ] && kill "$(cat "$f")" 2>/dev/null || true
  done
  sleep 1
  for f in "$T/slurmd.pid" "$T/slurmctld.pid" "$T/munged.pid"; do
    [ -s "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null || true
  done
  rm -rf "$T"
}
trap cleanup EXIT

# munge, on its own socket.
dd if=/dev/urandom of="$T/munge.key" bs=1024 count=1 status=none
chmod 400 "$T/munge.key"
munged --force --key-file="$T/munge.key" --socket="$T/munge.socket" --pid-file="$T/munged.pid" \
  --log-file="$T/munged.log" --seed-file="$T/munged.seed"

# Slurm: one node, this machine, on ports of its own.
NODE=$(hostname -s)
mkdir -p "$T/state" "$T/spool"
cat > "$T/slurm.conf" <<CONF
ClusterName=radaudit-test
SlurmctldHost=$NODE
SlurmctldPort=6917
SlurmdPort=6918
AuthType=auth/munge
AuthInfo=socket=$T/munge.socket
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/slurmctld.pid
SlurmdPidFile=$T/slurmd.pid
SlurmctldLogFile=$T/slurmctld.log
SlurmdLogFile=$T/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
ReturnToService=2
JobRequeue=1
NodeName=$NODE CPUs=$(nproc) State=UNKNOWN
PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$T/slurm.conf
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
for _ in $(seq 60); do
  state=$(sinfo -h -n "$NODE" -o %t 2>/dev/null || true)
  [ "$state" = idle ] && break
  sleep 1
done
[ "$state" = idle ] || fail "the node did not come up (state '$state'); see $T/slurmd.log"
say "single-node cluster up ($NODE)"

# The README's audit; the kill test uses its filtered variant, whose shards run long enough to be cancelled mid-run.
PROTOCOL=protocols/ct-robustness.yaml
SLOW_PROTOCOL=protocols/ct-robustness-filters.yaml
CASES=fixtures/cohort/cases.csv
"$RADAUDIT" audit --protocol "$PROTOCOL" --cases "$CASES" --output "$T/single" 2>/dev/null
"$RADAUDIT" audit --protocol "$SLOW_PROTOCOL" --cases "$CASES" --output "$T/single-slow" 2>/dev/null

# Waits until none of the given jobs is queued or running.
wait_jobs() {
  for _ in $(seq 600); do
    [ -z "$(squeue -h -j "$1" -o %i 2>/dev/null)" ] && return 0
    sleep 1
  done
  fail "jobs $1 did not finish"
}
same_as_single() { # MERGED SINGLE
  [ -f "$1/manifest.json" ] || fail "$1 is not a finished audit (no manifest.json)"
  for table in features.csv stability.csv variants.csv cases.csv errors.csv inputs.csv; do
    cmp -s "$2/$table" "$1/$table" || fail "$1/$table differs from a single run ($2)"
  done
}
jobs_of() { sed -n 's/^array job \([0-9]*\) .*merge job \([0-9]*\);.*/\1 \2/p' "$1"; }

# 1. Three shards and a merge.
scripts/slurm/submit-audit.sh "$PROTOCOL" "$CASES" "$T/run1" 3 | tee "$T/submit1"
read -r array merge < <(jobs_of "$T/submit1")
wait_jobs "$array,$merge"
same_as_single "$T/run1/merged" "$T/single"
say "3 shards + merge: tables byte-identical to a single run"

# 2. The same with task 1 cancelled while it runs, then run again: it resumes from its cache.
scripts/slurm/submit-audit.sh "$SLOW_PROTOCOL" "$CASES" "$T/run2" 3 | tee "$T/submit2"
read -r array merge < <(jobs_of "$T/submit2")
for _ in $(seq 300); do
  [ "$(find "$T/run2/shard-2/cache" -type f 2>/dev/null | wc -l)" -ge 4 ] && break
  sleep 0.1
done
scancel "${array}_1"
for _ in $(seq 100); do
  [ -z "$(squeue -h -j "${array}_1" -t R,CG -o %i 2>/dev/null)" ] && break
  sleep 0.2
done
if [ -f "$T/run2/shard-2/manifest.json" ]; then
  say "note: task 1 had finished before the cancel took effect"
else
  say "task 1 cancelled mid-run with $(find "$T/run2/shard-2/cache" -type f | wc -l) cached result file(s)"
fi
# The merge waited on the array with afterok, which the cancelled task broke: the shard is run again on its own
# (it resumes from its cache), and the merge after it.
scancel "$merge" 2>/dev/null || true
wait_jobs "$array"
rerun=$(sbatch --parsable --chdir="$T/run2/logs" --export=ALL --array=1 scripts/slurm/audit-array.sbatch \
  "$ROOT/$SLOW_PROTOCOL" "$ROOT/$CASES" "$T/run2" 3)
merge=$(sbatch --parsable --chdir="$T/run2/logs" --export=ALL --dependency=afterok:"${rerun%%;*}" \
  scripts/slurm/merge.sbatch "$T/run2" 3)
wait_jobs "${rerun%%;*},$merge"
same_as_single "$T/run2/merged" "$T/single-slow"
say "cancelled task run again: tables still byte-identical to a single run"
say "passed"
