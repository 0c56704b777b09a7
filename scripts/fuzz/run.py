#!/usr/bin/env python3
"""Runs a fuzz corpus (scripts/fuzz/generate.py) through the radaudit release binary and classifies every run.

    python3 scripts/fuzz/run.py CORPUS [--bin PATH] [--jobs 2] [--timeout 20] [--memory-gb 6] [--out DIR]

Each entry of CORPUS/manifest.jsonl runs as `BIN argv...` in CORPUS, with a wall-clock timeout (the process group is
killed), an address-space limit (RLIMIT_AS, set in preexec_fn), no core files, and at most --jobs runs at a time.
Outcomes:

  clean-error        exit 1 with exactly one error line on stderr naming one of the command's paths (note: and
                     warning: lines and the audit plan line are not error lines), or exit 64 (usage error, whose
                     first line is ArgumentParser's "Error: ...")
  multi-line-error   exit 1 with more than one error line
  vague-error        exit 1 with one error line that names none of the command's paths
  crash              killed by a signal (SIGILL/SIGTRAP from Swift traps, SIGSEGV, SIGABRT, SIGBUS, SIGKILL...), or a
                     Swift "Fatal error" / stack dump on stderr
  hang               still running at the timeout
  ok                 exit 0
  case-errors        `audit` exit 3 (some case x variant runs failed; errors.csv written, manifest.json present)
  accepted-corrupt   exit 0 on an input whose mutation a reader can detect (manifest: detectable), or exit 0 whose
                     output breaks the entry's on_success condition (non-finite geometry/intensity, no note on stderr)
  wrong-value        exit 0 on a re-encoding of a seed (same_info_as) that describes a different image
  leftover-output    a failed run left its output (the --output file or other files in its directory; an audit's
                     features.csv or manifest.json)
  missing-output     exit 0 (or audit exit 3) without the output file / manifest.json
  unexpected-exit    any other exit status

Writes DIR/results.jsonl (one record per run) and DIR/summary.md (counts per reader x outcome, then every failure
with its reproduction command); prints the summary table. DIR defaults to CORPUS/results.
"""
import argparse
import concurrent.futures as cf
import datetime
import json
import math
import os
import re
import resource
import shlex
import shutil
import signal
import sys
import tempfile
import threading
import time

FAILURES = ["crash", "hang", "accepted-corrupt", "wrong-value", "leftover-output", "missing-output",
            "multi-line-error", "vague-error", "unexpected-exit"]
OUTCOMES = ["ok", "clean-error", "case-errors"] + FAILURES
PLAN_LINE = re.compile(r"^radaudit: \d+ case\(s\) × \d+ variant\(s\)")
CRASH_TEXT = re.compile(r"Fatal error|Stack dump|Current stack trace|Program crashed|Segmentation fault|"
                        r"Illegal instruction|Assertion failed|precondition failed|Simultaneous accesses", re.I)
NONFINITE = re.compile(r"(?i)(?<![A-Za-z])-?(nan|inf|infinity)(?![A-Za-z])")


def limits(memory_bytes):
    def apply():
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    return apply


def run_one(binary, root, argv, timeout, memory, env, scratch):
    """(returncode or -signal or None for timeout, stdout, stderr, seconds, max RSS in MiB)."""
    import subprocess
    fd_out, out_path = tempfile.mkstemp(dir=scratch)
    fd_err, err_path = tempfile.mkstemp(dir=scratch)
    start = time.monotonic()
    try:
        proc = subprocess.Popen([binary] + argv, cwd=root, stdin=subprocess.DEVNULL, stdout=fd_out, stderr=fd_err,
                                preexec_fn=limits(memory), start_new_session=True, env=env)
        status, rusage, timed_out = None, None, False
        while True:
            pid, st, ru = os.wait4(proc.pid, os.WNOHANG)
            if pid != 0:
                status, rusage = st, ru
                break
            if time.monotonic() - start > timeout:
                timed_out = True
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                _, status, rusage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.004)
        proc.returncode = 0  # reaped by wait4 above; keep Popen from waiting again
        elapsed = time.monotonic() - start
        if timed_out:
            rc = None
        elif os.WIFSIGNALED(status):
            rc = -os.WTERMSIG(status)
        else:
            rc = os.WEXITSTATUS(status)
        with open(out_path, "rb") as f:
            out = f.read(4 << 20)
        with open(err_path, "rb") as f:
            err = f.read(1 << 20)
        return rc, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"), elapsed, rusage.ru_maxrss / 1024
    finally:
        os.close(fd_out)
        os.close(fd_err)
        os.unlink(out_path)
        os.unlink(err_path)


def error_lines(stderr):
    lines = [l for l in stderr.splitlines() if l.strip()]
    errs = [l for l in lines if not (PLAN_LINE.match(l) or l.startswith("note:") or l.startswith("warning:")
                                     or l.startswith("radaudit: ") and "skipped" in l)]
    notes = [l for l in lines if l.startswith("note:") or l.startswith("warning:")]
    return errs, notes


PROTOCOL_KEYS = re.compile(r"\b(extraction|interpolation|resegmentation|discretisation|texture|families|filters|"
                           r"perturbations|stability|robust_if|seed|name|chains|noise|original)\b")


def names_a_path(line, argv, case_dir):
    """True when the line names one of the command's files (or a file in the entry's directory), or, for a command
    with a protocol, a protocol key."""
    if case_dir in line:
        return True
    if "--protocol" in argv and PROTOCOL_KEYS.search(line):
        return True
    for a in argv:
        if a.startswith("-") or not a:
            continue
        # A file or directory argument (a path, a name with an extension, or a long bare name such as a series
        # directory).
        if ("/" in a or "." in a or len(a) >= 8) and (a in line or os.path.basename(a.rstrip("/")) in line):
            return True
    return False


def info_values(stdout):
    try:
        return json.loads(stdout)
    except ValueError:
        return None


def same_image(a, b):
    if a is None or b is None:
        return False
    for k in ("size", "voxel_type"):
        if a.get(k) != b.get(k):
            return False
    for k in ("spacing", "origin", "direction"):
        x, y = a.get(k) or [], b.get(k) or []
        if len(x) != len(y) or any(abs(p - q) > 1e-4 * max(1.0, abs(q)) for p, q in zip(x, y)):
            return False
    for k in ("min", "max", "mean"):
        p, q = a.get(k), b.get(k)
        if p is None or q is None or abs(p - q) > 1e-6 * max(1.0, abs(q)):
            return False
    return True


def finite_output(argv, stdout, root):
    """False when the printed geometry or intensities are not finite."""
    if argv and argv[0] == "info":  # the text format's "file:" line holds the path, which may say "nan"
        return NONFINITE.search("\n".join(l for l in stdout.splitlines() if not l.startswith("file:"))) is None
    if argv and argv[0] == "extract":
        text = stdout
        if "--output" in argv:
            p = os.path.join(root, argv[argv.index("--output") + 1])
            if os.path.exists(p):
                with open(p, encoding="utf-8", errors="replace") as f:
                    text = f.read()
        for line in text.splitlines():
            if ",Q4LE," in line or ",YEKZ," in line:  # mean intensity, voxel-counting volume
                if NONFINITE.search(line.rsplit(",", 1)[-1]):
                    return False
    return True


def output_state(entry, root):
    """(exists, leftovers): whether the declared output exists, and what a failed run left."""
    o = entry.get("outputs")
    if not o:
        return None, []
    path = os.path.join(root, o["path"])
    if o["kind"] == "file":
        exists = os.path.isfile(path)
        d = os.path.dirname(path)
        left = []
        if os.path.isdir(d) and os.path.abspath(d) == os.path.join(root, "cases", entry["id"], "out"):
            left = sorted(os.listdir(d))
        return exists, left
    exists = os.path.isfile(os.path.join(path, "manifest.json"))
    left = [n for n in ("features.csv", "manifest.json") if os.path.exists(os.path.join(path, n))]
    return exists, left


def classify(entry, rc, stdout, stderr, root, reference):
    argv = entry["argv"]
    errs, notes = error_lines(stderr)
    exists, left = output_state(entry, root)
    note = f" (left {', '.join(left)})" if left else ""
    if rc is None:
        return "hang", "timeout" + note
    if rc < 0 or CRASH_TEXT.search(stderr):
        sig = signal.Signals(-rc).name if rc < 0 and -rc in signal.Signals._value2member_map_ else f"exit {rc}"
        return "crash", sig + note
    is_audit = argv[0] in ("audit", "merge")
    if rc == 0 or (rc == 3 and is_audit):
        if exists is False:
            return "missing-output", "exit %d without %s" % (rc, entry["outputs"]["path"])
        if rc == 3:
            return "case-errors", errs[-1] if errs else ""
        if entry["detectable"]:
            return "accepted-corrupt", "exit 0 on a detectable mutation"
        ons = entry.get("on_success")
        if ons == "finite" and not finite_output(argv, stdout, root):
            return "accepted-corrupt", "exit 0 with non-finite output"
        if ons == "note" and not notes:
            return "accepted-corrupt", "exit 0 without a note on stderr"
        if isinstance(ons, dict) and "same_info_as" in ons and argv[0] == "info" and "--format" in argv:
            if not same_image(info_values(stdout), reference(ons["same_info_as"])):
                return "wrong-value", "describes a different image than " + ons["same_info_as"]
        return "ok", ""
    if left and rc != 0:
        return "leftover-output", "left " + ", ".join(left)
    if rc == 64:
        first = stderr.strip().splitlines()[0] if stderr.strip() else ""
        return ("clean-error", first) if first.startswith("Error:") else ("vague-error", first)
    if rc == 1:
        if len(errs) == 0:
            return "vague-error", "no error line"
        if len(errs) > 1:
            return "multi-line-error", f"{len(errs)} error lines"
        if not names_a_path(errs[0], argv, os.path.join("cases", entry["id"])):
            return "vague-error", "names no file or key"
        return "clean-error", errs[0]
    return "unexpected-exit", f"exit {rc}"


def repro(binary, root, argv):
    return f"cd {shlex.quote(root)} && {shlex.quote(binary)} {shlex.join(argv)}"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus")
    ap.add_argument("--bin", default=os.environ.get("RADAUDIT_BIN", ".build/release/radaudit"))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=20.0)
    ap.add_argument("--memory-gb", type=float, default=6.0)
    ap.add_argument("--out")
    ap.add_argument("--only", help="comma-separated entry ids")
    ap.add_argument("--backtrace", action="store_true", help="leave Swift's crash backtracer on (slower crashes)")
    args = ap.parse_args()
    root = os.path.abspath(args.corpus)
    binary = os.path.abspath(args.bin)
    if not os.access(binary, os.X_OK):
        sys.exit(f"no executable radaudit at {binary} (set RADAUDIT_BIN or --bin)")
    jobs = max(1, min(args.jobs, 2))
    out_dir = os.path.abspath(args.out or os.path.join(root, "results"))
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(root, "manifest.jsonl")) as f:
        entries = [json.loads(l) for l in f if l.strip()]
    if args.only:
        wanted = set(args.only.split(","))
        entries = [e for e in entries if e["id"] in wanted]
    env = dict(os.environ)
    env.setdefault("LC_ALL", "C.UTF-8")
    if not args.backtrace:
        env["SWIFT_BACKTRACE"] = "enable=no"
    memory = int(args.memory_gb * (1 << 30))
    scratch = tempfile.mkdtemp(prefix="radaudit-fuzz-run-")
    refs, ref_lock = {}, threading.Lock()

    def reference(path):
        with ref_lock:
            if path not in refs:
                rc, out, _, _, _ = run_one(binary, root, ["info", "--format", "json", path], args.timeout, memory, env,
                                           scratch)
                refs[path] = info_values(out) if rc == 0 else None
            return refs[path]

    def task(e):
        if os.path.isdir(os.path.join(root, "cases", e["id"])):  # a generated corpus: start from an empty out/
            case_out = os.path.join(root, "cases", e["id"], "out")
            if os.path.isdir(case_out):
                shutil.rmtree(case_out)
            os.makedirs(case_out, exist_ok=True)
        o = e.get("outputs")
        scratch_root = os.path.join(tempfile.gettempdir(), "radaudit-fuzz-crashers") + os.sep
        if o and o["path"].startswith(scratch_root) and os.path.isdir(o["path"]):
            shutil.rmtree(o["path"])  # an absolute scratch output (fixtures/fuzz-crashers): start clean
        rc, out, err, secs, rss = run_one(binary, root, e["argv"], args.timeout, memory, env, scratch)
        outcome, detail = classify(e, rc, out, err, root, reference)
        return dict(id=e["id"], reader=e["reader"], mutation=e["mutation"], detectable=e["detectable"],
                    on_success=e.get("on_success"), outcome=outcome, detail=detail[:300], rc=rc,
                    seconds=round(secs, 3), max_rss_mib=round(rss, 1), stderr=err[-2000:], argv=e["argv"],
                    params=e.get("params"), repro=repro(binary, root, e["argv"]))

    started = time.time()
    results = []
    with cf.ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(task, e) for e in entries]
        for i, fut in enumerate(cf.as_completed(futures), 1):
            results.append(fut.result())
            if i % 100 == 0 or i == len(futures):
                print(f"  {i}/{len(futures)} runs, {time.time() - started:.0f} s", file=sys.stderr, flush=True)
    shutil.rmtree(scratch, ignore_errors=True)
    results.sort(key=lambda r: r["id"])
    wall = time.time() - started
    with open(os.path.join(out_dir, "results.jsonl"), "w") as f:
        for r in results:
            f.write(json.dumps(r, sort_keys=True) + "\n")
    summary = render(results, binary, root, wall, args)
    with open(os.path.join(out_dir, "summary.md"), "w") as f:
        f.write(summary)
    table = summary.split("\n## Failures")[0]
    print(table)
    print(f"full summary: {os.path.join(out_dir, 'summary.md')}")


def counts_table(results):
    readers = sorted({r["reader"] for r in results}, key=lambda x: (x not in ORDER, ORDER.index(x) if x in ORDER else x))
    present = [o for o in OUTCOMES if any(r["outcome"] == o for r in results)]
    lines = ["| reader | " + " | ".join(present) + " | total |", "|---|" + "---:|" * (len(present) + 1)]
    for rd in readers:
        rows = [r for r in results if r["reader"] == rd]
        cells = [str(sum(1 for r in rows if r["outcome"] == o) or "") for o in present]
        lines.append(f"| {rd} | " + " | ".join(cells) + f" | {len(rows)} |")
    cells = [str(sum(1 for r in results if r["outcome"] == o)) for o in present]
    lines.append("| **all** | " + " | ".join(f"**{c}**" for c in cells) + f" | **{len(results)}** |")
    return "\n".join(lines)


ORDER = ["nifti", "nifti-gz", "nifti2", "nifti-pair", "gzip", "nrrd", "dicom-file", "dicom-series", "rtstruct",
         "mask-pair", "protocol", "cohort", "cli"]


def render(results, binary, root, wall, args):
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    fails = [r for r in results if r["outcome"] in FAILURES]
    slow = sorted(results, key=lambda r: -r["seconds"])[:5]
    big = sorted(results, key=lambda r: -r["max_rss_mib"])[:5]
    out = [f"# radaudit fuzz run ({now})", "",
           f"binary `{binary}`, corpus `{root}` ({len(results)} inputs), {args.jobs} worker(s), "
           f"timeout {args.timeout:g} s, RLIMIT_AS {args.memory_gb:g} GB, wall time {wall:.0f} s", "",
           counts_table(results), "",
           "Slowest: " + ", ".join(f"{r['id']} {r['seconds']:.1f} s ({r['mutation']})" for r in slow) + ".",
           "Largest RSS: " + ", ".join(f"{r['id']} {r['max_rss_mib']:.0f} MiB ({r['mutation']})" for r in big) + ".",
           "", f"## Failures ({len(fails)})", ""]
    for o in FAILURES:
        group = [r for r in fails if r["outcome"] == o]
        if not group:
            continue
        out.append(f"### {o} ({len(group)})")
        out.append("")
        for r in group:
            first = (r["stderr"].strip().splitlines() or [""])
            shown = " / ".join(first[:3])[:400]
            out.append(f"- `{r['id']}` {r['reader']} `{r['mutation']}` {json.dumps(r['params'])[:200]} — "
                       f"{r['detail']}; rc={r['rc']}; stderr: `{shown}`")
            out.append(f"  `{r['repro']}`")
        out.append("")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    main()
