#!/usr/bin/env bash
# Builds a fuzz corpus of N inputs (default 1500) from this repository's fixtures with seed SEED (default 1) in a
# temporary directory, runs the release binary on every input and prints the summary (reader x outcome counts).
#
#   scripts/fuzz/run-all.sh [N] [SEED]
#
# The binary is $RADAUDIT_BIN, else .build/release/radaudit (build it first: swift build -c release).
# FUZZ_DIR=DIR keeps the corpus there instead of a new temporary directory; FUZZ_JOBS (default 2, at most 2),
# FUZZ_TIMEOUT (s, default 20) and FUZZ_MEMORY_GB (RLIMIT_AS, default 6) tune the runner.
# The corpus, results.jsonl and summary.md (with a reproduction command for every failure) are left in place.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
count="${1:-1500}"
seed="${2:-1}"
bin="${RADAUDIT_BIN:-$repo/.build/release/radaudit}"
if [[ ! -x "$bin" ]]; then
    echo "run-all.sh: no radaudit binary at $bin (set RADAUDIT_BIN or build with: swift build -c release)" >&2
    exit 2
fi
dir="${FUZZ_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/radaudit-fuzz.XXXXXX")}"
echo "corpus: $dir (N=$count, seed=$seed); binary: $bin" >&2
python3 "$here/generate.py" --out "$dir" --count "$count" --seed "$seed" >&2
python3 "$here/run.py" "$dir" --bin "$bin" --jobs "${FUZZ_JOBS:-2}" --timeout "${FUZZ_TIMEOUT:-20}" \
    --memory-gb "${FUZZ_MEMORY_GB:-6}"
